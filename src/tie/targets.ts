/**
 * What a lookup, a set or a first-references call is about: a file (its hashes) or a certificate
 * (its sha1 and optional public-key sha1), validated and in lowercase hex.
 */
import { normalizeCertificateHashes, normalizeHashes } from './hashes';
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

/** A file target from hashes as `normalizeHashes` takes them; throws TIE_INVALID_INPUT. */
export function fileTarget(hashes: unknown): FileTarget {
  return { subject: 'file', hashes: normalizeHashes(hashes) };
}

/** A certificate target (sha1 required, public-key sha1 optional); throws TIE_INVALID_INPUT. */
export function certificateTarget(sha1: unknown, publicKeySha1?: unknown): CertificateTarget {
  const cert = normalizeCertificateHashes(sha1, publicKeySha1);
  return cert.publicKeySha1 === undefined
    ? { subject: 'certificate', sha1: cert.sha1 }
    : { subject: 'certificate', sha1: cert.sha1, publicKeySha1: cert.publicKeySha1 };
}

/** Any target a caller passes, validated now: the TieClient reads targets through this. */
export function validTarget(target: ReputationTarget): ReputationTarget {
  if (target === null || typeof target !== 'object') return fileTarget(target);
  return target.subject === 'certificate' ? certificateTarget(target.sha1, target.publicKeySha1) : fileTarget(target.hashes);
}
