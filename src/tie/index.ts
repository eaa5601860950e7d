/** The TIE layer's public API: a TIE client on any DXL client, its constants, hash helpers and verdicts. */
export {
  TieClient,
  type TieClientOptions,
  type EventHandler,
  type EventErrorHandler,
  type PlannedWrite,
  type WriteOptions,
} from './client';
export { WriteLimiter, type WriteLimit, type WhenLimited, DEFAULT_MAX_QUEUED_WRITES } from './write-limiter';
export { type ReadBack, type ReadBackOptions, DEFAULT_READ_BACK_INTERVAL_MS } from './read-back';
export { type EventSenderRule, type EventSenderCounts, TIE_SERVICE_TYPE } from './event-senders';
export * from './constants';
export { TieTopic, type TieTopicValue, DEFAULT_FIRST_REFERENCES_LIMIT, ON_DEMAND_SCAN_TYPE } from './topics';
export { TieError, TieErrorCode, type TieErrorCodeValue } from './errors';
export {
  type HashInput,
  isHashType,
  hashTypeForLength,
  normalizeHash,
  normalizeBareHash,
  normalizeHashes,
  normalizeCertificateHashes,
  hexToBase64,
  base64ToHex,
  isBase64,
  toWireHashes,
  fromWireHashes,
} from './hashes';
/** The official clients' shapes of TIE payloads, attribute decoders, verdicts and the External check-first decision. */
export * from './results';
export { ReputationCache, type ReputationCacheOptions } from './cache';
export type * from './types';
export { type FileTarget, type CertificateTarget, type ReputationTarget, fileTarget, certificateTarget } from './hashes';
