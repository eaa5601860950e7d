/**
 * The verdict of a set of reputations: which provider decides, by the official samples'
 * precedence, with the Enterprise, GTI and ATD attributes decoded beside it.
 */
import { CertProvider, FileProvider, TrustLevel, providerName, trustLevelName } from './constants';
import {
  type AtdDetails,
  type CertEnterpriseDetails,
  type FileEnterpriseDetails,
  type GtiDetails,
  decodeAtdAttributes,
  decodeCertEnterpriseAttributes,
  decodeCertGtiAttributes,
  decodeFileEnterpriseAttributes,
  decodeFileGtiAttributes,
} from './attributes';
import type { Reputation, Reputations } from './types';

export type ReputationSubject = 'file' | 'certificate';

/** Why the verdict's trust level is what it is. */
export type VerdictBasis =
  /** An Enterprise (administrator) override decided. */
  | 'enterprise-override'
  /** Another provider (ATD, MWG, GTI, ...) gave a definitive trust level. */
  | 'provider'
  /** Only the External provider gave a definitive trust level. */
  | 'external-fallback'
  /** No provider was definitive; at least one said UNKNOWN. */
  | 'unknown'
  /** No provider gave anything but NOT_SET, or there were no reputations. */
  | 'none';

export type VerdictCategory = 'trusted' | 'malicious' | 'unknown' | 'not-set';

export interface Verdict {
  /** The effective trust level (a TrustLevel value). */
  trustLevel: number;
  /** "Known Trusted", "Most Likely Malicious", ... */
  trustLevelName: string;
  /** trusted: ≥ 70 (Might Be Trusted); malicious: 1-30; unknown: 50; not-set: 0. */
  category: VerdictCategory;
  /** True when the trust level is neither NOT_SET nor UNKNOWN. */
  definitive: boolean;
  /** The provider whose reputation decided, or null when none did. */
  providerId: number | null;
  providerName: string | null;
  basis: VerdictBasis;
  /** Decoded attributes of the Enterprise reputation, when present. */
  enterprise?: FileEnterpriseDetails | CertEnterpriseDetails;
  /** Decoded attributes of the GTI reputation, when present. */
  gti?: GtiDetails;
  /** Decoded attributes of the ATD reputation, when present (files). */
  atd?: AtdDetails;
}

/** Definitive: a trust level that is a verdict, i.e. neither NOT_SET (0) nor UNKNOWN (50). */
export function isDefinitiveTrustLevel(trustLevel: number): boolean {
  return trustLevel !== TrustLevel.NOT_SET && trustLevel !== TrustLevel.UNKNOWN;
}

export function trustLevelCategory(trustLevel: number): VerdictCategory {
  if (trustLevel === TrustLevel.NOT_SET) return 'not-set';
  if (trustLevel === TrustLevel.UNKNOWN) return 'unknown';
  return trustLevel > TrustLevel.UNKNOWN ? 'trusted' : 'malicious';
}

/**
 * The entry under `key` when it is a reputation (numeric providerId and trustLevel): TIE data that
 * is anything else (null, text, a nested object) decides nothing and must not break the verdict.
 */
export function reputationAt(reputations: Reputations, key: number | string): Reputation | undefined {
  const entry: unknown = (reputations as Record<string, unknown>)[key];
  if (entry === null || typeof entry !== 'object') return undefined;
  const { providerId, trustLevel } = entry as { providerId?: unknown; trustLevel?: unknown };
  return typeof providerId === 'number' && typeof trustLevel === 'number' ? (entry as Reputation) : undefined;
}

/**
 * The check of the set-external-reputation sample: true when any provider other than External
 * (15) has a definitive trust level, in which case setting an External reputation is unnecessary.
 */
export function hasDefinitiveReputation(reputations: Reputations): boolean {
  for (const key in reputations) {
    const reputation = reputationAt(reputations, key);
    if (reputation !== undefined && reputation.providerId !== FileProvider.EXTERNAL && isDefinitiveTrustLevel(reputation.trustLevel)) {
      return true;
    }
  }
  return false;
}

const FILE_PRECEDENCE: readonly number[] = [FileProvider.ENTERPRISE, FileProvider.ATD, FileProvider.MWG, FileProvider.GTI];
const CERT_PRECEDENCE: readonly number[] = [CertProvider.ENTERPRISE, CertProvider.GTI];

function guessSubject(reputations: Reputations): ReputationSubject {
  if (reputations === null || typeof reputations !== 'object') return 'file';
  return reputationAt(reputations, CertProvider.GTI) !== undefined || reputationAt(reputations, CertProvider.ENTERPRISE) !== undefined
    ? 'certificate'
    : 'file';
}

/** Providers in the order the verdict consults them; unknown providers after the known ones, External last. */
function providersInPrecedence(reputations: Reputations, subject: ReputationSubject): Reputation[] {
  const precedence = subject === 'file' ? FILE_PRECEDENCE : CERT_PRECEDENCE;
  const ordered: Reputation[] = [];
  for (const id of precedence) {
    const reputation = reputationAt(reputations, id);
    if (reputation !== undefined) ordered.push(reputation);
  }
  // Usually there are none: no array and no sort for them then.
  let others: Reputation[] | undefined;
  let external: Reputation | undefined;
  for (const key in reputations) {
    const reputation = reputationAt(reputations, key);
    if (reputation === undefined) continue;
    if (reputation.providerId === FileProvider.EXTERNAL) external = reputation;
    else if (!precedence.includes(reputation.providerId)) (others ??= []).push(reputation);
  }
  if (others !== undefined) {
    others.sort((a, b) => a.providerId - b.providerId);
    ordered.push(...others);
  }
  if (external !== undefined) ordered.push(external);
  return ordered;
}

/**
 * The effective reputation of a get-reputation result, by this precedence:
 *
 * 1. The Enterprise reputation (file provider 3, certificate provider 4), when definitive: it is
 *    an administrator's override and beats everything else.
 * 2. Otherwise the first definitive trust level among ATD (5), MWG (7), GTI (1 / 2 for
 *    certificates), then any other provider by ascending id. NOT_SET (0) and UNKNOWN (50) are never
 *    definitive and never decide here.
 * 3. Otherwise the External provider (15), when definitive: as the set-external-reputation sample
 *    says, External is only a fallback used when no other reputation is available.
 * 4. Otherwise UNKNOWN (50) if any provider said UNKNOWN (that provider is reported, in the same
 *    order), else NOT_SET (0) with no provider.
 *
 * The decoded Enterprise, GTI and ATD attributes are attached when those reputations are present.
 */
export function computeVerdict(given: Reputations, subject: ReputationSubject = guessSubject(given)): Verdict {
  const reputations: Reputations = given !== null && typeof given === 'object' ? given : {};
  const ordered = providersInPrecedence(reputations, subject);
  const enterpriseId = subject === 'file' ? FileProvider.ENTERPRISE : CertProvider.ENTERPRISE;

  let decider: Reputation | undefined;
  let basis: VerdictBasis = 'none';
  for (const reputation of ordered) {
    if (!isDefinitiveTrustLevel(reputation.trustLevel)) continue;
    decider = reputation;
    if (reputation.providerId === enterpriseId) basis = 'enterprise-override';
    else if (reputation.providerId === FileProvider.EXTERNAL) basis = 'external-fallback';
    else basis = 'provider';
    break;
  }
  if (decider === undefined) {
    decider = ordered.find((reputation) => reputation.trustLevel === TrustLevel.UNKNOWN);
    if (decider !== undefined) basis = 'unknown';
  }

  const trustLevel = decider === undefined ? TrustLevel.NOT_SET : decider.trustLevel;
  const verdict: Verdict = {
    trustLevel,
    trustLevelName: trustLevelName(trustLevel),
    category: trustLevelCategory(trustLevel),
    definitive: isDefinitiveTrustLevel(trustLevel),
    providerId: decider === undefined ? null : decider.providerId,
    providerName: decider === undefined ? null : providerName(decider.providerId),
    basis,
  };

  const attributesOf = (providerId: number): Record<string, string> | undefined => {
    const reputation = reputationAt(reputations, providerId);
    return reputation !== undefined && reputation.attributes !== null && typeof reputation.attributes === 'object'
      ? reputation.attributes
      : undefined;
  };
  if (subject === 'file') {
    const enterprise = attributesOf(FileProvider.ENTERPRISE);
    if (enterprise) verdict.enterprise = decodeFileEnterpriseAttributes(enterprise);
    const gti = attributesOf(FileProvider.GTI);
    if (gti) verdict.gti = decodeFileGtiAttributes(gti);
    const atd = attributesOf(FileProvider.ATD);
    if (atd) verdict.atd = decodeAtdAttributes(atd);
  } else {
    const enterprise = attributesOf(CertProvider.ENTERPRISE);
    if (enterprise) verdict.enterprise = decodeCertEnterpriseAttributes(enterprise);
    const gti = attributesOf(CertProvider.GTI);
    if (gti) verdict.gti = decodeCertGtiAttributes(gti);
  }
  return verdict;
}
