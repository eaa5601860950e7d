/**
 * What TieClient puts on the wire and reads back: the requests of lookups, first references and
 * writes (validated, as JSON text), and the answers read.
 */
import { type DxlMessage, parseJsonPayload } from '../dxl/message';
import { queryLimitArgument, textArgument, trustLevelArgument } from './arguments';
import { CertProvider, FileProvider, isFileType, isTrustLevel } from './constants';
import { invalidInput, invalidResponse } from './errors';
import {
  type CertificateTarget,
  type FileTarget,
  type HashInput,
  type ReputationTarget,
  fileReputationRequestJson,
  normalizeHashes,
  receivedBase64ToHex,
  toWireHashes,
  validTarget,
  validatedHexToBase64,
} from './hashes';
import { transformReputationResponse } from './payloads';
import { ON_DEMAND_SCAN_TYPE, TieTopic } from './topics';
import type { HashDict, Reputations, WireHash } from './types';
import type { ReputationSubject } from './verdict';

/**
 * A write to TIE as it goes on the wire, made and validated by `planSetReputation` or
 * `planExternalFileReputation` and sent by `write`: what a dry run shows.
 */
export interface PlannedWrite {
  /** 'request' for an Enterprise set (TIE answers it), 'event' for an External report (TIE never answers). */
  readonly kind: 'request' | 'event';
  readonly topic: string;
  /** The JSON text that goes on the wire. */
  readonly payload: string;
  readonly target: ReputationTarget;
  /** The provider the write sets: Enterprise (3, or 4 for a certificate) or External (15). */
  readonly providerId: number;
  readonly trustLevel: number;
}

/** What one get-reputation call asks: its target, and the request made of it. */
export interface ReputationLookup {
  target: ReputationTarget;
  subject: ReputationSubject;
  topic: string;
  payload: string;
}

export function lookupOf(target: ReputationTarget): ReputationLookup {
  if (target.subject === 'file') {
    const payload = fileReputationRequestJson(target.hashes, ON_DEMAND_SCAN_TYPE);
    return { target, subject: 'file', topic: TieTopic.GET_FILE_REPUTATION, payload };
  }
  return { target, subject: 'certificate', topic: TieTopic.GET_CERT_REPUTATION, payload: JSON.stringify(certificateHashes(target)) };
}

/** The cache's key for a target: its hashes, each type in its place. */
export function cacheKeyOf(target: ReputationTarget): string {
  if (target.subject === 'certificate') return `c|${target.sha1}|${target.publicKeySha1 ?? ''}`;
  const { md5, sha1, sha256 } = target.hashes;
  return `f|${md5 ?? ''}|${sha1 ?? ''}|${sha256 ?? ''}`;
}

/** The hex digests that name a target, for invalidation. */
export function hexesOf(target: ReputationTarget): string[] {
  return target.subject === 'file' ? hashValues(target.hashes) : certificateHexes(target);
}

/** The Enterprise set of a file or certificate, validated (TIE_INVALID_INPUT), as it goes on the wire. */
export function enterpriseSetPlan(target: ReputationTarget, trustLevel: number, filename: string, comment: string): PlannedWrite {
  const valid = validTarget(target);
  const level = trustLevelArgument(trustLevel);
  if (valid.subject === 'file') {
    const payload = {
      trustLevel: level,
      providerId: FileProvider.ENTERPRISE,
      filename: textArgument(filename, 'filename'),
      comment: textArgument(comment, 'comment'),
      hashes: toWireHashes(valid.hashes),
    };
    return planned('request', TieTopic.SET_FILE_REPUTATION, payload, valid, FileProvider.ENTERPRISE, level);
  }
  const payload = {
    trustLevel: level,
    providerId: CertProvider.ENTERPRISE,
    comment: textArgument(comment, 'comment'),
    ...certificateHashes(valid),
  };
  return planned('request', TieTopic.SET_CERT_REPUTATION, payload, valid, CertProvider.ENTERPRISE, level);
}

/**
 * The External report of a file, validated as the Python client does, in its order and with its
 * messages (trust level missing or 0, file type not in `FileType`, trust level not in `TrustLevel`,
 * no hashes; then each hash), as it goes on the wire.
 */
export function externalReportPlan(
  trustLevel: number,
  hashes: HashInput,
  fileType: number,
  filename: string,
  comment: string,
): PlannedWrite {
  if (!trustLevel) throw invalidInput('TrustLevel was not specified');
  if (!isFileType(fileType)) throw invalidInput('FileType was not a valid entry');
  if (!isTrustLevel(trustLevel)) throw invalidInput('TrustLevel was not a valid entry');
  if (!hashes || (typeof hashes === 'object' && Object.keys(hashes).length === 0)) {
    throw invalidInput('File hashes were not specified');
  }
  const normalized = normalizeHashes(hashes);
  const event = {
    file: {
      type: fileType,
      hashes: normalized,
      attributes: { filename: textArgument(filename, 'filename') },
      reputation: { score: trustLevel },
    },
    provider: { id: FileProvider.EXTERNAL },
    comment: textArgument(comment, 'comment'),
  };
  const target: FileTarget = { subject: 'file', hashes: normalized };
  return planned('event', TieTopic.EXTERNAL_FILE_REPORT_EVENT, event, target, FileProvider.EXTERNAL, trustLevel);
}

/** A first-references request of a file or certificate, validated (TIE_INVALID_INPUT). */
export function firstReferencesRequest(target: ReputationTarget, queryLimit: number): { topic: string; payload: string } {
  const valid = validTarget(target);
  const limit = queryLimitArgument(queryLimit);
  if (valid.subject === 'file') {
    return {
      topic: TieTopic.GET_FILE_FIRST_REFERENCES,
      payload: JSON.stringify({ queryLimit: limit, hashes: toWireHashes(valid.hashes) }),
    };
  }
  return { topic: TieTopic.GET_CERT_FIRST_REFERENCES, payload: JSON.stringify({ queryLimit: limit, ...certificateHashes(valid) }) };
}

function planned(
  kind: PlannedWrite['kind'],
  topic: string,
  body: object,
  target: ReputationTarget,
  providerId: number,
  trustLevel: number,
): PlannedWrite {
  return Object.freeze({ kind, topic, payload: JSON.stringify(body), target, providerId, trustLevel });
}

/** A certificate as the requests name it: `{hashes: [{type: "sha1", value}], publicKeySha1?}`, base64. */
export function certificateHashes(cert: CertificateTarget): { hashes: WireHash[]; publicKeySha1?: string } {
  const hashes = [{ type: 'sha1', value: validatedHexToBase64(cert.sha1) }];
  return cert.publicKeySha1 === undefined ? { hashes } : { hashes, publicKeySha1: validatedHexToBase64(cert.publicKeySha1) };
}

export function certificateHexes(cert: CertificateTarget): string[] {
  return cert.publicKeySha1 === undefined ? [cert.sha1] : [cert.sha1, cert.publicKeySha1];
}

export function hashValues(hashes: HashDict): string[] {
  return Object.values(hashes).filter((hex): hex is string => hex !== undefined);
}

/** The reputations of a get-reputation answer, keyed by provider id. */
export function reputationsIn(response: DxlMessage): Reputations {
  return transformReputationResponse(parseResponse(response));
}

export function parseResponse(message: DxlMessage): unknown {
  try {
    return parseJsonPayload(message.payload);
  } catch (error) {
    throw invalidResponse(`TIE response on ${message.destinationTopic || 'the reply topic'} is not JSON: ${errorText(error)}`, error);
  }
}

/** Hex digests named by a raw reputation-change event (its hashes and public-key SHA-1). */
export function changedHashes(payload: unknown): string[] {
  const out: string[] = [];
  if (payload === null || typeof payload !== 'object') return out;
  const event = payload as { hashes?: unknown; publicKeySha1?: unknown };
  if (Array.isArray(event.hashes)) {
    for (const entry of event.hashes as unknown[]) {
      const value = entry !== null && typeof entry === 'object' ? (entry as { value?: unknown }).value : undefined;
      if (typeof value === 'string') out.push(receivedBase64ToHex(value, 'hashes'));
    }
  }
  if (typeof event.publicKeySha1 === 'string' && event.publicKeySha1) {
    out.push(receivedBase64ToHex(event.publicKeySha1, 'publicKeySha1'));
  }
  return out;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
