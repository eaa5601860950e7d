/**
 * The External check-first decision: whether a file's current reputations leave room for an
 * External one.
 */
import { FileProvider, providerName, trustLevelName } from './constants';
import { type Verdict, computeVerdict, hasDefinitiveReputation, isDefinitiveTrustLevel } from './verdict';
import type { Reputations } from './types';

/*
 * The check-first workflow of the Python client's External reputation sample
 * (https://github.com/opendxl/opendxl-tie-client-python/blob/master/sample/basic/basic_set_external_file_reputation.py): External (15) is a
 * fallback TIE uses only when no other provider is definitive, so an External reputation is
 * worth sending only when none of the others has a trust level other than Not Set or Unknown.
 */
export type ExternalDecision =
  | { send: true; existing: Verdict }
  | {
      send: false;
      existing: Verdict;
      /** The provider whose definitive reputation makes the External one unnecessary. */
      providerId: number;
      reason: string;
    };

/** Decides from a file's current reputations whether to send the External reputation. */
export function decideExternalReputation(reputations: Reputations): ExternalDecision {
  const existing = computeVerdict(reputations, 'file');
  if (!hasDefinitiveReputation(reputations)) return { send: true, existing };
  const decider = definitiveNonExternal(reputations, existing);
  return {
    send: false,
    existing,
    providerId: decider.providerId,
    reason:
      `${providerName(decider.providerId)} already has a definitive reputation ` +
      `(${trustLevelName(decider.trustLevel)}, ${decider.trustLevel}); an External reputation would not be used`,
  };
}

/** The provider the verdict names when it is not External, else the first definitive non-External one. */
function definitiveNonExternal(reputations: Reputations, verdict: Verdict): { providerId: number; trustLevel: number } {
  if (verdict.providerId !== null && verdict.providerId !== FileProvider.EXTERNAL && verdict.definitive) {
    return { providerId: verdict.providerId, trustLevel: verdict.trustLevel };
  }
  for (const key of Object.keys(reputations)) {
    const reputation = reputations[Number(key)];
    if (reputation && reputation.providerId !== FileProvider.EXTERNAL && isDefinitiveTrustLevel(reputation.trustLevel)) {
      return { providerId: reputation.providerId, trustLevel: reputation.trustLevel };
    }
  }
  // hasDefinitiveReputation said there is one; not reached.
  return { providerId: verdict.providerId ?? 0, trustLevel: verdict.trustLevel };
}
