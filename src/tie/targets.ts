/**
 * What a lookup, a set or a first-references call is about: a file (its hashes) or a certificate
 * (its sha1 and optional public-key sha1). Targets made here are validated once, frozen and
 * remembered, so that the TieClient takes them as they are; any other object is validated when used.
 * Being frozen, they are copied before they go into anything a user may change (a msg).
 */
import { frozenNormalizedHashes, normalizeCertificateHashes } from './hashes';
import type { HashDict } from './types';

export interface FileTarget {
  readonly subject: 'file';
  readonly hashes: HashDict;
}

export interface CertificateTarget {
  readonly subject: 'certificate';
  readonly sha1: string;
  readonly publicKeySha1?: string;
}

export type ReputationTarget = FileTarget | CertificateTarget;

const validatedTargets = new WeakSet<ReputationTarget>();

function remembered<T extends ReputationTarget>(target: T): T {
  Object.freeze(target);
  validatedTargets.add(target);
  return target;
}

/** A file target from hashes as `normalizeHashes` takes them; throws TIE_INVALID_INPUT. */
export function fileTarget(hashes: unknown): FileTarget {
  return remembered({ subject: 'file', hashes: frozenNormalizedHashes(hashes) });
}

/** A certificate target (sha1 required, public-key sha1 optional); throws TIE_INVALID_INPUT. */
export function certificateTarget(sha1: unknown, publicKeySha1?: unknown): CertificateTarget {
  const cert = normalizeCertificateHashes(sha1, publicKeySha1);
  return remembered(
    cert.publicKeySha1 === undefined
      ? { subject: 'certificate', sha1: cert.sha1 }
      : { subject: 'certificate', sha1: cert.sha1, publicKeySha1: cert.publicKeySha1 },
  );
}

/** `target` itself when made by this module; otherwise validated now (a caller's own object). */
export function checkedTarget(target: ReputationTarget): ReputationTarget {
  if (validatedTargets.has(target)) return target;
  if (target === null || typeof target !== 'object') return fileTarget(target);
  return target.subject === 'certificate' ? certificateTarget(target.sha1, target.publicKeySha1) : fileTarget(target.hashes);
}
