/**
 * Reputation attributes decoded: the values TIE sends as text (dates, server versions, aggregates,
 * ATD scores) and the Enterprise, GTI and ATD attribute sets of a reputation.
 */
import {
  AtdAttrib,
  CertEnterpriseAttrib,
  CertGtiAttrib,
  FileEnterpriseAttrib,
  FileGtiAttrib,
  atdToTrustLevel,
  atdTrustLevelName,
} from './constants';
import { INTEGER, readNumber } from '../dxl/numbers';
import { invalidInput } from './errors';

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
