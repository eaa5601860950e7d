/**
 * The constant tables of the TIE API (values as the official Python and JavaScript clients define
 * them), with display names for the enumerations.
 */

export const HashType = {
  MD5: 'md5',
  SHA1: 'sha1',
  SHA256: 'sha256',
} as const;
export type HashTypeValue = (typeof HashType)[keyof typeof HashType];

/** Length in hex characters of each hash type's digest. */
export const HASH_HEX_LENGTH: Readonly<Record<HashTypeValue, number>> = { md5: 32, sha1: 40, sha256: 64 };

export const TrustLevel = {
  KNOWN_TRUSTED_INSTALLER: 100,
  KNOWN_TRUSTED: 99,
  MOST_LIKELY_TRUSTED: 85,
  MIGHT_BE_TRUSTED: 70,
  UNKNOWN: 50,
  MIGHT_BE_MALICIOUS: 30,
  MOST_LIKELY_MALICIOUS: 15,
  KNOWN_MALICIOUS: 1,
  NOT_SET: 0,
} as const;
export type TrustLevelValue = (typeof TrustLevel)[keyof typeof TrustLevel];

export const FileProvider = {
  GTI: 1,
  ENTERPRISE: 3,
  ATD: 5,
  MWG: 7,
  /** Set through the external report event; 11 before TIE client 0.3.0. */
  EXTERNAL: 15,
} as const;
export type FileProviderValue = (typeof FileProvider)[keyof typeof FileProvider];

export const CertProvider = {
  GTI: 2,
  ENTERPRISE: 4,
} as const;
export type CertProviderValue = (typeof CertProvider)[keyof typeof CertProvider];

/** Advanced Threat Defense's own scale, used in the values of the ATD attributes. */
export const AtdTrustLevel = {
  NOT_SET: -2,
  KNOWN_TRUSTED: -1,
  MOST_LIKELY_TRUSTED: 0,
  MIGHT_BE_TRUSTED: 1,
  UNKNOWN: 2,
  MIGHT_BE_MALICIOUS: 3,
  MOST_LIKELY_MALICIOUS: 4,
  KNOWN_MALICIOUS: 5,
} as const;
export type AtdTrustLevelValue = (typeof AtdTrustLevel)[keyof typeof AtdTrustLevel];

export const ReputationProp = {
  PROVIDER_ID: 'providerId',
  TRUST_LEVEL: 'trustLevel',
  CREATE_DATE: 'createDate',
  ATTRIBUTES: 'attributes',
} as const;
export const FileReputationProp = ReputationProp;
export const CertReputationProp = { ...ReputationProp, OVERRIDDEN: 'overridden' } as const;
export const CertReputationOverriddenProp = {
  FILES: 'files',
  TRUNCATED: 'truncated',
} as const;

export const EnterpriseAttrib = {
  SERVER_VERSION: '2139285',
} as const;

export const FileEnterpriseAttrib = {
  FIRST_CONTACT: '2102165',
  PREVALENCE: '2101652',
  ENTERPRISE_SIZE: '2111893',
  MIN_LOCAL_REP: '2112148',
  MAX_LOCAL_REP: '2112404',
  AVG_LOCAL_REP: '2112660',
  PARENT_MIN_LOCAL_REP: '2112916',
  PARENT_MAX_LOCAL_REP: '2113172',
  PARENT_AVG_LOCAL_REP: '2113428',
  DETECTION_COUNT: '2113685',
  LAST_DETECTION_TIME: '2113942',
  FILE_NAME_COUNT: '2114965',
  IS_PREVALENT: '2123156',
  PARENT_FILE_REPS: '2138264',
  CHILD_FILE_REPS: '2138520',
  SERVER_VERSION: '2139285',
} as const;

export const CertEnterpriseAttrib = {
  FIRST_CONTACT: '2109589',
  PREVALENCE: '2109333',
  HAS_FILE_OVERRIDES: '2122901',
  IS_PREVALENT: '2125972',
  SERVER_VERSION: '2139285',
} as const;

export const GtiAttrib = {
  ORIGINAL_RESPONSE: '2120340',
} as const;

export const FileGtiAttrib = {
  FIRST_CONTACT: '2101908',
  PREVALENCE: '2102421',
  ORIGINAL_RESPONSE: '2120340',
} as const;

export const CertGtiAttrib = {
  FIRST_CONTACT: '2109077',
  PREVALENCE: '2108821',
  REVOKED: '2117524',
  ORIGINAL_RESPONSE: '2120340',
} as const;

export const AtdAttrib = {
  GAM_SCORE: '4194962',
  AV_ENGINE_SCORE: '4195218',
  SANDBOX_SCORE: '4195474',
  VERDICT: '4195730',
  BEHAVIORS: '4197784',
} as const;

export const FirstRefProp = {
  DATE: 'date',
  SYSTEM_GUID: 'agentGuid',
} as const;

export const RepChangeEventProp = {
  HASHES: 'hashes',
  NEW_REPUTATIONS: 'newReputations',
  OLD_REPUTATIONS: 'oldReputations',
  UPDATE_TIME: 'updateTime',
} as const;
export const FileRepChangeEventProp = { ...RepChangeEventProp, RELATIONSHIPS: 'relationships' } as const;
export const CertRepChangeEventProp = { ...RepChangeEventProp, PUBLIC_KEY_SHA1: 'publicKeySha1' } as const;

export const DetectionEventProp = {
  SYSTEM_GUID: 'agentGuid',
  HASHES: 'hashes',
  DETECTION_TIME: 'detectionTime',
  LOCAL_REPUTATION: 'localReputation',
  NAME: 'name',
  REMEDIATION_ACTION: 'remediationAction',
} as const;

export const FirstInstanceEventProp = {
  SYSTEM_GUID: 'agentGuid',
  HASHES: 'hashes',
  NAME: 'name',
} as const;

/**
 * File types accepted by the external report (Python client only). The values behave like bit
 * flags with composites (PEEXE = PE | EXE); CLASS and JAR exceed 32 bits, so never combine them
 * with 32-bit operators.
 */
export const FileType = {
  NONE: 0,
  COM: 1,
  EXE: 2,
  DRV: 4,
  BOOT: 8,
  PE: 16,
  PEEXE: 18,
  VXD: 64,
  DLLNONPE: 128,
  DLL: 144,
  WIN: 272,
  MZSTUB: 512,
  NLM: 1024,
  ELF: 2048,
  JS: 4096,
  VBS: 8192,
  SCRIPT: 12288,
  OLE: 16384,
  PIC: 65536,
  TEXT: 131072,
  BAT: 143360,
  HTML: 262144,
  HTMLTEXT: 393216,
  HTA: 524288,
  RTF: 1048576,
  PDF: 2097152,
  MMEDIA: 4194304,
  URL: 8388608,
  SYS: 16777232,
  ZIP: 33587200,
  CAB: 67141632,
  RARNOARC: 134217728,
  RAR: 134250496,
  OOXML: 167772160,
  OOXMLPK: 301989888,
  MACHO: 536870912,
  APK: 1073741824,
  CLASS: 2147483648,
  JAR: 4328554496,
} as const;
export type FileTypeValue = (typeof FileType)[keyof typeof FileType];

// ---- display names ----

const TRUST_LEVEL_NAMES: ReadonlyMap<number, string> = new Map([
  [TrustLevel.KNOWN_TRUSTED_INSTALLER, 'Known Trusted Installer'],
  [TrustLevel.KNOWN_TRUSTED, 'Known Trusted'],
  [TrustLevel.MOST_LIKELY_TRUSTED, 'Most Likely Trusted'],
  [TrustLevel.MIGHT_BE_TRUSTED, 'Might Be Trusted'],
  [TrustLevel.UNKNOWN, 'Unknown'],
  [TrustLevel.MIGHT_BE_MALICIOUS, 'Might Be Malicious'],
  [TrustLevel.MOST_LIKELY_MALICIOUS, 'Most Likely Malicious'],
  [TrustLevel.KNOWN_MALICIOUS, 'Known Malicious'],
  [TrustLevel.NOT_SET, 'Not Set'],
]);

const FILE_PROVIDER_NAMES: ReadonlyMap<number, string> = new Map([
  [FileProvider.GTI, 'Global Threat Intelligence (GTI)'],
  [FileProvider.ENTERPRISE, 'Enterprise'],
  [FileProvider.ATD, 'Advanced Threat Defense (ATD)'],
  [FileProvider.MWG, 'McAfee Web Gateway (MWG)'],
  [FileProvider.EXTERNAL, 'External'],
]);

const CERT_PROVIDER_NAMES: ReadonlyMap<number, string> = new Map([
  [CertProvider.GTI, 'Global Threat Intelligence (GTI)'],
  [CertProvider.ENTERPRISE, 'Enterprise'],
]);

const ATD_TRUST_LEVEL_NAMES: ReadonlyMap<number, string> = new Map([
  [AtdTrustLevel.NOT_SET, 'Not Set'],
  [AtdTrustLevel.KNOWN_TRUSTED, 'Known Trusted'],
  [AtdTrustLevel.MOST_LIKELY_TRUSTED, 'Most Likely Trusted'],
  [AtdTrustLevel.MIGHT_BE_TRUSTED, 'Might Be Trusted'],
  [AtdTrustLevel.UNKNOWN, 'Unknown'],
  [AtdTrustLevel.MIGHT_BE_MALICIOUS, 'Might Be Malicious'],
  [AtdTrustLevel.MOST_LIKELY_MALICIOUS, 'Most Likely Malicious'],
  [AtdTrustLevel.KNOWN_MALICIOUS, 'Known Malicious'],
]);

/** The ATD levels carry the same names as these TIE trust levels (a naming correspondence only). */
const ATD_TO_TRUST_LEVEL: ReadonlyMap<number, TrustLevelValue> = new Map([
  [AtdTrustLevel.NOT_SET, TrustLevel.NOT_SET],
  [AtdTrustLevel.KNOWN_TRUSTED, TrustLevel.KNOWN_TRUSTED],
  [AtdTrustLevel.MOST_LIKELY_TRUSTED, TrustLevel.MOST_LIKELY_TRUSTED],
  [AtdTrustLevel.MIGHT_BE_TRUSTED, TrustLevel.MIGHT_BE_TRUSTED],
  [AtdTrustLevel.UNKNOWN, TrustLevel.UNKNOWN],
  [AtdTrustLevel.MIGHT_BE_MALICIOUS, TrustLevel.MIGHT_BE_MALICIOUS],
  [AtdTrustLevel.MOST_LIKELY_MALICIOUS, TrustLevel.MOST_LIKELY_MALICIOUS],
  [AtdTrustLevel.KNOWN_MALICIOUS, TrustLevel.KNOWN_MALICIOUS],
]);

const FILE_TYPE_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(FileType).map(([name, value]) => [value, name]));

/** "Known Trusted" for 99; `Trust level <n>` for a value outside the table. */
export function trustLevelName(trustLevel: number): string {
  return TRUST_LEVEL_NAMES.get(trustLevel) ?? `Trust level ${trustLevel}`;
}

export function isTrustLevel(value: unknown): value is TrustLevelValue {
  return typeof value === 'number' && TRUST_LEVEL_NAMES.has(value);
}

/** Every trust level, highest first. */
export const TRUST_LEVELS: readonly TrustLevelValue[] = [100, 99, 85, 70, 50, 30, 15, 1, 0];

export function fileProviderName(providerId: number): string {
  return FILE_PROVIDER_NAMES.get(providerId) ?? `Provider ${providerId}`;
}

export function certProviderName(providerId: number): string {
  return CERT_PROVIDER_NAMES.get(providerId) ?? `Provider ${providerId}`;
}

/** Provider ids of files and certificates do not overlap, so one lookup serves both. */
export function providerName(providerId: number): string {
  return FILE_PROVIDER_NAMES.get(providerId) ?? CERT_PROVIDER_NAMES.get(providerId) ?? `Provider ${providerId}`;
}

export function atdTrustLevelName(atdTrustLevel: number): string {
  return ATD_TRUST_LEVEL_NAMES.get(atdTrustLevel) ?? `ATD trust level ${atdTrustLevel}`;
}

/** The TIE trust level that carries the same name as an ATD level, or undefined outside the table. */
export function atdToTrustLevel(atdTrustLevel: number): TrustLevelValue | undefined {
  return ATD_TO_TRUST_LEVEL.get(atdTrustLevel);
}

/** "PEEXE" for 18; undefined for a value outside the table. */
export function fileTypeName(fileType: number): string | undefined {
  return FILE_TYPE_NAMES.get(fileType);
}

export function isFileType(value: unknown): value is FileTypeValue {
  return typeof value === 'number' && FILE_TYPE_NAMES.has(value);
}
