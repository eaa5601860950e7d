/**
 * What TIE answers and announces, read for callers: its payloads as the official clients hand them
 * over (reputations keyed by provider, first references, event dicts), the attribute values in
 * them decoded, the verdict of a set of reputations, and whether an External reputation would count.
 */
import {
  AtdAttrib,
  CertEnterpriseAttrib,
  CertGtiAttrib,
  CertProvider,
  FileEnterpriseAttrib,
  FileGtiAttrib,
  FileProvider,
  TrustLevel,
  atdToTrustLevel,
  atdTrustLevelName,
  providerName,
  trustLevelName,
} from './constants';
import { INTEGER, readNumber } from '../dxl/numbers';
import { invalidInput, invalidResponse } from './errors';
import { fromWireHashes, receivedBase64ToHex } from './hashes';
import type { DetectionEvent, FirstInstanceEvent, FirstReference, Reputation, ReputationChangeEvent, Reputations } from './types';

// ---- payloads into the official clients' shapes ----

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

// ---- the verdict ----

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
function reputationAt(reputations: Reputations, key: number | string): Reputation | undefined {
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

// ---- attribute values ----

/*
 * Decoders of reputation attribute values (the attribute ids of constants.ts) and of the provider attribute sets.
 * Attribute values are strings on the wire; decoders of a whole set skip values they cannot read
 * rather than fail, and leave the raw attributes untouched.
 */
export interface ServerVersion {
  major: number;
  minor: number;
  patch: number;
  build: number;
}

/** An unsigned decimal of up to 64 bits, read as a BigInt (server versions exceed 2^53). */
const DECIMAL_RE = /^\s*\d+\s*$/;

/**
 * Decodes the Enterprise SERVER_VERSION attribute (2139285): an unsigned 64-bit decimal, major in
 * bits 56-63, minor 48-55, patch 32-47, build 0-31. BigInt, because the value exceeds 2^53.
 */
export function decodeServerVersion(value: string): ServerVersion {
  if (typeof value !== 'string' || !DECIMAL_RE.test(value)) {
    throw invalidInput(`server version ${JSON.stringify(value)} is not an unsigned decimal integer`);
  }
  const v = BigInt(value.trim());
  if (v > 0xffffffffffffffffn) throw invalidInput(`server version ${value} exceeds 64 bits`);
  return {
    major: Number((v >> 56n) & 0xffn),
    minor: Number((v >> 48n) & 0xffn),
    patch: Number((v >> 32n) & 0xffffn),
    build: Number(v & 0xffffffffn),
  };
}

/** "1.4.0.190" for "73183493944770750". */
export function serverVersionString(value: string): string {
  const { major, minor, patch, build } = decodeServerVersion(value);
  return `${major}.${minor}.${patch}.${build}`;
}

/** The attribute value (decimal text) for a version; the inverse of `decodeServerVersion`. */
export function encodeServerVersion(version: ServerVersion): string {
  return (
    (BigInt(version.major & 0xff) << 56n) |
    (BigInt(version.minor & 0xff) << 48n) |
    (BigInt(version.patch & 0xffff) << 32n) |
    BigInt(version.build >>> 0)
  ).toString();
}

/** PARENT_FILE_REPS / CHILD_FILE_REPS: how the related files are rated. */
export interface AggregateReputation {
  count: number;
  maxTrustLevel: number;
  minTrustLevel: number;
  lastTrustLevel: number;
  /** The wire carries it ×100. */
  averageTrustLevel: number;
}

/** Decodes an aggregate attribute: base64 of five little-endian uint16 values. */
export function decodeAggregate(value: string): AggregateReputation {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.alloc(0);
  if (bytes.length % 2 !== 0 || bytes.length < 10) {
    throw invalidInput(`aggregate ${JSON.stringify(value)} does not hold five 16-bit values`);
  }
  const average = bytes.readUInt16LE(8);
  return {
    count: bytes.readUInt16LE(0),
    maxTrustLevel: bytes.readUInt16LE(2),
    minTrustLevel: bytes.readUInt16LE(4),
    lastTrustLevel: bytes.readUInt16LE(6),
    averageTrustLevel: average > 0 ? average / 100 : 0,
  };
}

/** As the official clients' tuple/array: `[count, max, min, last, average]`. */
export function aggregateToArray(aggregate: AggregateReputation): [number, number, number, number, number] {
  return [aggregate.count, aggregate.maxTrustLevel, aggregate.minTrustLevel, aggregate.lastTrustLevel, aggregate.averageTrustLevel];
}

export function encodeAggregate(aggregate: AggregateReputation): string {
  const bytes = Buffer.alloc(10);
  bytes.writeUInt16LE(aggregate.count, 0);
  bytes.writeUInt16LE(aggregate.maxTrustLevel, 2);
  bytes.writeUInt16LE(aggregate.minTrustLevel, 4);
  bytes.writeUInt16LE(aggregate.lastTrustLevel, 6);
  bytes.writeUInt16LE(Math.round(aggregate.averageTrustLevel * 100), 8);
  return bytes.toString('base64');
}

/** Epoch seconds (number or decimal text) → Date. */
export function epochToDate(epoch: number | string): Date {
  const seconds = typeof epoch === 'number' ? epoch : Number(epoch);
  if (!Number.isFinite(seconds)) throw invalidInput(`${JSON.stringify(epoch)} is not an epoch time`);
  return new Date(seconds * 1000);
}

/** Epoch seconds → ISO 8601 in UTC, e.g. "2016-10-07T20:54:52.000Z". */
export function epochToIsoString(epoch: number | string): string {
  return epochToDate(epoch).toISOString();
}

/** Epoch seconds → ISO 8601 in UTC, or undefined for a value no Date can hold (received data is not trusted to be sane). */
export function epochToIsoStringIfValid(seconds: unknown): string | undefined {
  if (typeof seconds !== 'number') return undefined;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Epoch seconds → "YYYY-MM-DD HH:MM:SS" in the host's local time, as the official epoch helpers. */
export function epochToLocalTimeString(epoch: number | string): string {
  const d = epochToDate(epoch);
  const two = (n: number): string => (n < 10 ? `0${n}` : String(n));
  return (
    `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
  );
}

// ---- decoded attribute sets ----

export interface FileEnterpriseDetails {
  serverVersion?: string;
  /** ISO 8601, UTC. */
  firstContact?: string;
  /** Unique systems that ran the file. */
  prevalence?: number;
  enterpriseSize?: number;
  fileNameCount?: number;
  detectionCount?: number;
  lastDetectionTime?: string;
  minLocalReputation?: number;
  maxLocalReputation?: number;
  averageLocalReputation?: number;
  parentMinLocalReputation?: number;
  parentMaxLocalReputation?: number;
  parentAverageLocalReputation?: number;
  isPrevalent?: boolean;
  parentFileReputations?: AggregateReputation;
  childFileReputations?: AggregateReputation;
}

export interface CertEnterpriseDetails {
  serverVersion?: string;
  firstContact?: string;
  /** Systems that ran a file signed with the certificate. */
  prevalence?: number;
  hasFileOverrides?: boolean;
  isPrevalent?: boolean;
}

export interface GtiDetails {
  firstContact?: string;
  /** Times GTI was asked about it. */
  prevalence?: number;
  /** GTI's raw answer, an opaque number kept as text. */
  originalResponse?: string;
  /** Certificates only. */
  revoked?: boolean;
}

export interface AtdScore {
  atdTrustLevel: number;
  name: string;
  /** The TIE trust level of the same name, when there is one. */
  trustLevel?: number;
}

export interface AtdDetails {
  gamScore?: AtdScore;
  avEngineScore?: AtdScore;
  sandboxScore?: AtdScore;
  verdict?: AtdScore;
  /** Encoded observed behaviours; the format is undocumented, so it stays raw. */
  behaviors?: string;
}

export type ProviderDetails = FileEnterpriseDetails | CertEnterpriseDetails | GtiDetails | AtdDetails;

type Attributes = Record<string, string>;

/** An integer attribute (decimal text, optionally signed); undefined for anything else. */
function int(attributes: Attributes, id: string): number | undefined {
  const raw = attributes[id];
  return typeof raw === 'string' ? readNumber(raw, INTEGER) : undefined;
}

function bool(attributes: Attributes, id: string): boolean | undefined {
  const n = int(attributes, id);
  return n === undefined ? undefined : n !== 0;
}

/**
 * Results by input, forgotten all at once when full. The same dates and server versions recur in
 * answer after answer, and formatting a Date or shifting a BigInt costs more than a lookup: half of
 * what a file's verdict costs, 3 to 5 µs a lookup in Node-RED (BENCHMARKS.md, "Library: what each
 * trick buys").
 */
function memoized<K, V>(compute: (key: K) => V, capacity = 1024): (key: K) => V {
  const known = new Map<K, V>();
  return (key) => {
    if (known.has(key)) return known.get(key) as V;
    const value = compute(key);
    if (known.size >= capacity) known.clear();
    known.set(key, value);
    return value;
  };
}

const isoDateOf = memoized(epochToIsoStringIfValid);

/** `decode(raw)`, or undefined where it throws: an attribute TIE sent malformed is left out of the details. */
function decodedOrLeftOut<T>(decode: (raw: string) => T, raw: string): T | undefined {
  try {
    return decode(raw);
  } catch {
    return undefined;
  }
}

const versionTextOf = memoized((raw: string): string | undefined =>
  DECIMAL_RE.test(raw) ? decodedOrLeftOut(serverVersionString, raw) : undefined,
);

function date(attributes: Attributes, id: string): string | undefined {
  const seconds = int(attributes, id);
  return seconds === undefined ? undefined : isoDateOf(seconds);
}

function version(attributes: Attributes, id: string): string | undefined {
  const raw = attributes[id];
  return typeof raw === 'string' ? versionTextOf(raw) : undefined;
}

function aggregate(attributes: Attributes, id: string): AggregateReputation | undefined {
  const raw = attributes[id];
  return typeof raw === 'string' ? decodedOrLeftOut(decodeAggregate, raw) : undefined;
}

function atdScore(attributes: Attributes, id: string): AtdScore | undefined {
  const n = int(attributes, id);
  if (n === undefined) return undefined;
  const score: AtdScore = { atdTrustLevel: n, name: atdTrustLevelName(n) };
  const trustLevel = atdToTrustLevel(n);
  if (trustLevel !== undefined) score.trustLevel = trustLevel;
  return score;
}

/**
 * The defined fields only, so JSON output carries no `undefined` noise. Copied rather than
 * deleted from: `delete` turns an object into a slow dictionary for everyone who reads it later.
 */
function compact<T extends object>(fields: T): T {
  const defined = {} as T;
  for (const key in fields) {
    if (fields[key] !== undefined) defined[key] = fields[key];
  }
  return defined;
}

export function decodeFileEnterpriseAttributes(attributes: Attributes): FileEnterpriseDetails {
  const a = FileEnterpriseAttrib;
  return compact({
    serverVersion: version(attributes, a.SERVER_VERSION),
    firstContact: date(attributes, a.FIRST_CONTACT),
    prevalence: int(attributes, a.PREVALENCE),
    enterpriseSize: int(attributes, a.ENTERPRISE_SIZE),
    fileNameCount: int(attributes, a.FILE_NAME_COUNT),
    detectionCount: int(attributes, a.DETECTION_COUNT),
    lastDetectionTime: date(attributes, a.LAST_DETECTION_TIME),
    minLocalReputation: int(attributes, a.MIN_LOCAL_REP),
    maxLocalReputation: int(attributes, a.MAX_LOCAL_REP),
    averageLocalReputation: int(attributes, a.AVG_LOCAL_REP),
    parentMinLocalReputation: int(attributes, a.PARENT_MIN_LOCAL_REP),
    parentMaxLocalReputation: int(attributes, a.PARENT_MAX_LOCAL_REP),
    parentAverageLocalReputation: int(attributes, a.PARENT_AVG_LOCAL_REP),
    isPrevalent: bool(attributes, a.IS_PREVALENT),
    parentFileReputations: aggregate(attributes, a.PARENT_FILE_REPS),
    childFileReputations: aggregate(attributes, a.CHILD_FILE_REPS),
  });
}

export function decodeCertEnterpriseAttributes(attributes: Attributes): CertEnterpriseDetails {
  const a = CertEnterpriseAttrib;
  return compact({
    serverVersion: version(attributes, a.SERVER_VERSION),
    firstContact: date(attributes, a.FIRST_CONTACT),
    prevalence: int(attributes, a.PREVALENCE),
    hasFileOverrides: bool(attributes, a.HAS_FILE_OVERRIDES),
    isPrevalent: bool(attributes, a.IS_PREVALENT),
  });
}

export function decodeFileGtiAttributes(attributes: Attributes): GtiDetails {
  return compact({
    firstContact: date(attributes, FileGtiAttrib.FIRST_CONTACT),
    prevalence: int(attributes, FileGtiAttrib.PREVALENCE),
    originalResponse: attributes[FileGtiAttrib.ORIGINAL_RESPONSE],
  });
}

export function decodeCertGtiAttributes(attributes: Attributes): GtiDetails {
  return compact({
    firstContact: date(attributes, CertGtiAttrib.FIRST_CONTACT),
    prevalence: int(attributes, CertGtiAttrib.PREVALENCE),
    originalResponse: attributes[CertGtiAttrib.ORIGINAL_RESPONSE],
    revoked: bool(attributes, CertGtiAttrib.REVOKED),
  });
}

export function decodeAtdAttributes(attributes: Attributes): AtdDetails {
  return compact({
    gamScore: atdScore(attributes, AtdAttrib.GAM_SCORE),
    avEngineScore: atdScore(attributes, AtdAttrib.AV_ENGINE_SCORE),
    sandboxScore: atdScore(attributes, AtdAttrib.SANDBOX_SCORE),
    verdict: atdScore(attributes, AtdAttrib.VERDICT),
    behaviors: attributes[AtdAttrib.BEHAVIORS],
  });
}

/** Decodes a reputation's attributes by its provider; undefined for providers with no named attributes. */
export function decodeReputationAttributes(reputation: Reputation): ProviderDetails | undefined {
  const attributes = reputation.attributes !== null && typeof reputation.attributes === 'object' ? reputation.attributes : {};
  switch (reputation.providerId) {
    case FileProvider.ENTERPRISE:
      return decodeFileEnterpriseAttributes(attributes);
    case CertProvider.ENTERPRISE:
      return decodeCertEnterpriseAttributes(attributes);
    case FileProvider.GTI:
      return decodeFileGtiAttributes(attributes);
    case CertProvider.GTI:
      return decodeCertGtiAttributes(attributes);
    case FileProvider.ATD:
      return decodeAtdAttributes(attributes);
    default:
      return undefined;
  }
}

// ---- the External check-first decision ----

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

// ---- the safety net for known-good files ----

/*
 * A write that would lower a file (or certificate) below Might Be Malicious blocks it on every
 * endpoint. When GTI or the Enterprise reputation calls it Known Trusted or Known Trusted
 * Installer, such a write is far more likely a flow's mistake (a detection of a system file, a
 * loop) than an intention: it is refused unless forced.
 */

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
