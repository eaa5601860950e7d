/**
 * A lookup's msg carries what was looked up beside the answer: tie-get-reputation replaces
 * msg.payload with the reputations and leaves the hashes it looked up in msg.hashes (a batch: an
 * array parallel to msg.payload). A request node after it (set reputation, set External reputation,
 * first references, another lookup) reading its default input, msg.payload, finds a lookup's answer
 * there and reads msg.hashes instead, so inject → lookup → switch → set writes the looked-up file
 * with no property edited. Anywhere else, a lookup's answer is refused with what to do.
 */
import type { HashDict } from '../../src/tie/types';
import { invalidInputError } from './errors';
import type { TypedValue } from './input';
import type { Target } from './items';
import type { NodeMessage } from './node-red';

/** The msg property a lookup leaves what it looked up in. */
export const LOOKED_UP = 'hashes';

/** What a lookup of `target` leaves in msg.hashes: a form every request node reads as an item. */
export function lookedUpHashes(target: Target): HashDict | { sha1: string; publicKeySha1?: string } {
  // A copy: the msg is the flow's to change.
  if (target.subject === 'file') return { ...target.hashes };
  return target.publicKeySha1 === undefined ? { sha1: target.sha1 } : { sha1: target.sha1, publicKeySha1: target.publicKeySha1 };
}

const PROVIDER_ID_RE = /^\d+$/;

/** Reputations keyed by provider id, as a lookup answers: never a hash dict, whose keys are hash names. */
function isReputations(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value as Record<string, unknown>);
  return (
    entries.length > 0 &&
    entries.every(
      ([key, reputation]) =>
        PROVIDER_ID_RE.test(key) &&
        reputation !== null &&
        typeof reputation === 'object' &&
        typeof (reputation as { trustLevel?: unknown }).trustLevel === 'number',
    )
  );
}

/** One lookup's answer, or a batch's (failed items are null). */
export function isLookupAnswer(value: unknown): boolean {
  if (!Array.isArray(value)) return isReputations(value);
  return value.some(isReputations) && value.every((item) => item === null || isReputations(item));
}

function isDefaultInput(input: TypedValue): boolean {
  return input.type === 'msg' && input.value === 'payload';
}

/**
 * What a request node reads: `value`, read from `input`; when it is a lookup's answer, the hashes
 * the lookup left (default input only). Throws TIE_INVALID_INPUT saying what to do otherwise.
 */
export function itemsOrLookedUp(msg: NodeMessage, input: TypedValue, label: string, value: unknown): unknown {
  if (!isLookupAnswer(value)) return value;
  const hashes = msg[LOOKED_UP];
  if (isDefaultInput(input) && hashes !== undefined && hashes !== null) return hashes;
  const why = isDefaultInput(input)
    ? 'msg.hashes, where a lookup leaves the hashes it looked up, is missing (a node between removed it)'
    : 'the lookup left the hashes it looked up in msg.hashes, which this node reads when Hashes is msg.payload';
  throw invalidInputError(
    `${label} holds a lookup's reputations, not hashes: ${why}. Set Hashes to msg.hashes, or keep the hashes in a property of their own before the lookup`,
  );
}
