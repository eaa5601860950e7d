/**
 * TIE's payloads as the official clients hand them over: reputations keyed by provider, first
 * references, event dicts.
 */
import { invalidResponse } from './errors';
import { fromWireHashes, receivedBase64ToHex } from './hashes';
import type { DetectionEvent, FirstInstanceEvent, FirstReference, Reputation, ReputationChangeEvent, Reputations } from './types';

/*
 * Transforms of TIE payloads into what the official clients hand to their callers
 * (https://github.com/opendxl/opendxl-tie-client-python, dxltieclient/client.py). Like theirs, they work in place on a freshly parsed payload: no copies.
 */
type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function expectObject(value: unknown, what: string): JsonObject {
  if (!isObject(value)) throw invalidResponse(`${what} is not a JSON object`);
  return value;
}

/**
 * A list of raw reputations → an object keyed by provider id (last entry per provider wins).
 * The overridden files of a certificate reputation get hex hash dicts. Everything else is kept.
 */
export function transformReputations(list: unknown, where = 'reputations'): Reputations {
  if (!Array.isArray(list)) throw invalidResponse(`${where} is not a list`);
  const out: Reputations = {};
  for (let i = 0; i < list.length; i++) {
    const reputation: unknown = list[i];
    if (!isObject(reputation) || typeof reputation.providerId !== 'number') {
      throw invalidResponse(`${where}[${i}] is not a reputation with a numeric providerId`);
    }
    const overridden = reputation.overridden;
    if (isObject(overridden) && Array.isArray(overridden.files)) {
      for (const file of overridden.files as unknown[]) {
        if (isObject(file) && file.hashes !== undefined) {
          file.hashes = fromWireHashes(file.hashes, `${where}[${i}].overridden.files[].hashes`);
        }
      }
    }
    out[reputation.providerId] = reputation as Reputation;
  }
  return out;
}

/** A get-reputation response → reputations keyed by provider id; `{}` when it has none. */
export function transformReputationResponse(payload: unknown): Reputations {
  const response = expectObject(payload, 'reputation response');
  return response.reputations === undefined ? {} : transformReputations(response.reputations);
}

/** A first-references response → its `agents` list, or `[]` when absent. */
export function transformFirstReferencesResponse(payload: unknown): FirstReference[] {
  const response = expectObject(payload, 'first references response');
  const agents = response.agents;
  if (agents === undefined || agents === null) return [];
  if (!Array.isArray(agents)) throw invalidResponse('first references response: agents is not a list');
  return agents as FirstReference[];
}

function transformWrappedReputations(wrapper: unknown, where: string): unknown {
  // Python converts the wrapper only when it holds `reputations`, and leaves it as it is otherwise.
  if (isObject(wrapper) && wrapper.reputations !== undefined) return transformReputations(wrapper.reputations, where);
  return wrapper;
}

/** A raw file or certificate reputation-change event → the dict the official callbacks receive. */
export function transformReputationChangeEvent(payload: unknown): ReputationChangeEvent {
  const event = expectObject(payload, 'reputation change event');
  if (event.hashes !== undefined) event.hashes = fromWireHashes(event.hashes);
  if (event.newReputations !== undefined) {
    event.newReputations = transformWrappedReputations(event.newReputations, 'newReputations.reputations');
  }
  if (event.oldReputations !== undefined) {
    event.oldReputations = transformWrappedReputations(event.oldReputations, 'oldReputations.reputations');
  }
  const relationships = event.relationships;
  if (isObject(relationships) && isObject(relationships.certificate)) {
    const certificate = relationships.certificate;
    if (certificate.hashes !== undefined) {
      certificate.hashes = fromWireHashes(certificate.hashes, 'relationships.certificate.hashes');
    }
    if (certificate.publicKeySha1) {
      certificate.publicKeySha1 = receivedBase64ToHex(certificate.publicKeySha1, 'relationships.certificate.publicKeySha1');
    }
  }
  if (event.publicKeySha1) event.publicKeySha1 = receivedBase64ToHex(event.publicKeySha1, 'publicKeySha1');
  return event;
}

/** A raw detection event → the dict the official callbacks receive (hashes as hex). */
export function transformDetectionEvent(payload: unknown): DetectionEvent {
  const event = expectObject(payload, 'detection event');
  if (event.hashes !== undefined) event.hashes = fromWireHashes(event.hashes);
  return event;
}

/** A raw first-instance event → the dict the official callbacks receive (hashes as hex). */
export function transformFirstInstanceEvent(payload: unknown): FirstInstanceEvent {
  const event = expectObject(payload, 'first instance event');
  if (event.hashes !== undefined) event.hashes = fromWireHashes(event.hashes);
  return event;
}
