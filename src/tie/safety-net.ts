/**
 * The safety net for known-good files: a write that would lower a file (or certificate) below
 * Might Be Malicious blocks it on every endpoint. When GTI or the Enterprise reputation calls it
 * Known Trusted or Known Trusted Installer, such a write is far more likely a flow's mistake (a
 * detection of a system file, a loop) than an intention: it is refused unless forced.
 */
import { CertProvider, FileProvider, TrustLevel, providerName, trustLevelName } from './constants';
import { type ReputationSubject, reputationAt } from './verdict';
import type { Reputations } from './types';

/** A reputation that protects a file from a lowering write. */
export interface Protector {
  providerId: number;
  providerName: string;
  trustLevel: number;
  trustLevelName: string;
}

/** True for a trust level that blocks: below Might Be Malicious, and not Not Set (which clears an override). */
export function isLoweringTrustLevel(trustLevel: number): boolean {
  return trustLevel !== TrustLevel.NOT_SET && trustLevel < TrustLevel.MIGHT_BE_MALICIOUS;
}

/**
 * The GTI and Enterprise reputations that call the file (or certificate) Known Trusted or Known
 * Trusted Installer, when `trustLevel` would lower it below Might Be Malicious; empty when the
 * write may go.
 */
export function protectorsOf(reputations: Reputations, subject: ReputationSubject, trustLevel: number): Protector[] {
  if (!isLoweringTrustLevel(trustLevel)) return [];
  const providers = subject === 'file' ? [FileProvider.GTI, FileProvider.ENTERPRISE] : [CertProvider.GTI, CertProvider.ENTERPRISE];
  const found: Protector[] = [];
  for (const providerId of providers) {
    const reputation = reputationAt(reputations, providerId);
    if (reputation !== undefined && reputation.trustLevel >= TrustLevel.KNOWN_TRUSTED) {
      found.push({
        providerId,
        providerName: providerName(providerId),
        trustLevel: reputation.trustLevel,
        trustLevelName: trustLevelName(reputation.trustLevel),
      });
    }
  }
  return found;
}
