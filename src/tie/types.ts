/**
 * Shapes of what the TIE layer hands to callers: the same data the official clients return.
 * Hash dictionaries hold lowercase hex; reputation dictionaries are keyed by provider id.
 */

/** `{md5, sha1, sha256}` → lowercase hex. Other keys appear only in data received from TIE. */
export interface HashDict {
  md5?: string;
  sha1?: string;
  sha256?: string;
  [hashType: string]: string | undefined;
}

/** One hash on the wire: `value` is base64 of the raw digest bytes. */
export interface WireHash {
  type: string;
  value: string;
}

/** Files whose own reputation overrides a certificate's (certificate reputations only). */
export interface OverriddenFiles {
  files: Array<{ hashes: HashDict; [key: string]: unknown }>;
  /** 1 when TIE truncated the list. */
  truncated?: number;
  [key: string]: unknown;
}

export interface Reputation {
  providerId: number;
  trustLevel: number;
  /** Epoch seconds. */
  createDate: number;
  /** Attribute id (decimal text) → value (decimal or base64 text). Unknown ids are kept. */
  attributes: Record<string, string>;
  overridden?: OverriddenFiles;
  [key: string]: unknown;
}

/** Reputations keyed by provider id, the last one per provider winning, as both clients return them. */
export type Reputations = Record<number, Reputation>;

export interface FirstReference {
  agentGuid: string;
  /** Epoch seconds. */
  date: number;
  [key: string]: unknown;
}

export interface CertificateRelationship {
  hashes?: HashDict;
  publicKeySha1?: string;
  [key: string]: unknown;
}

/** What the reputation-change callbacks of the official clients receive. */
export interface ReputationChangeEvent {
  hashes?: HashDict;
  newReputations?: Reputations;
  oldReputations?: Reputations;
  /** Epoch seconds. */
  updateTime?: number;
  /** Files only. */
  relationships?: { certificate?: CertificateRelationship; [kind: string]: unknown };
  /** Certificates only: SHA-1 of the certificate's public key, hex. */
  publicKeySha1?: string;
  [key: string]: unknown;
}

export interface DetectionEvent {
  agentGuid?: string;
  /** Epoch seconds. */
  detectionTime?: number;
  hashes?: HashDict;
  localReputation?: number;
  name?: string;
  remediationAction?: number;
  [key: string]: unknown;
}

export interface FirstInstanceEvent {
  agentGuid?: string;
  hashes?: HashDict;
  name?: string;
  [key: string]: unknown;
}
