/**
 * Hashes as callers give them and as TIE carries them: validated lowercase hex in, base64 on the
 * wire and back, and the targets of the operations (a file by its hashes, a certificate by its
 * sha1 and optional public-key sha1).
 */
import { HASH_HEX_LENGTH, HashType, type HashTypeValue } from './constants';
import { TieError, TieErrorCode, invalidInput, invalidResponse } from './errors';
import type { HashDict, WireHash } from './types';

/**
 * Hash input accepted from callers: a `{md5?, sha1?, sha256?}` object of hex strings (keys in any
 * case), or a bare hex string whose length names its type.
 */
export type HashInput = string | Readonly<Record<string, unknown>>;

const HEX_RE = /^[0-9a-fA-F]*$/;
const LOWER_HEX_RE = /^[0-9a-f]+$/;
const NON_HEX_RE = /[^0-9a-fA-F]/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const HASH_TYPE_BY_LENGTH: ReadonlyMap<number, HashTypeValue> = new Map([
  [32, HashType.MD5],
  [40, HashType.SHA1],
  [64, HashType.SHA256],
]);

export function isHashType(value: string): value is HashTypeValue {
  return value === HashType.MD5 || value === HashType.SHA1 || value === HashType.SHA256;
}

/** The hash type a hex digest's length names (32 md5, 40 sha1, 64 sha256), if any. */
export function hashTypeForLength(hexLength: number): HashTypeValue | undefined {
  return HASH_TYPE_BY_LENGTH.get(hexLength);
}

function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/** What may stand between the groups of a digest as tools print it: white space and colons. */
const DIGEST_SEPARATORS_RE = /[\s:]+/g;
const NON_DIGEST_RE = /[^0-9a-fA-F\s:]/;

/** Trims and checks that `value` is hex (its groups joined); `what` names it in error messages. */
function checkedHex(value: unknown, what: string): string {
  if (typeof value !== 'string') {
    throw invalidInput(`${what} must be a hexadecimal string, got ${describeType(value)}`);
  }
  const hex = value.trim();
  // The common case first: already lowercase hex, returned as it is.
  if (LOWER_HEX_RE.test(hex) && hex.length > 0) return hex;
  if (hex.length === 0) throw invalidInput(`${what} is empty`);
  // As tools print digests: in groups ("f2c7bb8a cc97f92e …") or as colon-separated bytes ("6E:AE:26:…").
  const compact = hex.replace(DIGEST_SEPARATORS_RE, '');
  if (compact !== hex && compact.length > 0 && HEX_RE.test(compact)) return compact.toLowerCase();
  if (!HEX_RE.test(hex)) {
    // With groups, the first character that is neither hex nor a separator is the one at fault.
    const bad = (compact === hex ? NON_HEX_RE : NON_DIGEST_RE).exec(hex);
    const position = bad ? bad.index : 0;
    throw invalidInput(
      `${what} ${quote(hex)} is not hexadecimal: character ${JSON.stringify(hex.charAt(position))} at position ${position + 1}`,
    );
  }
  return hex.toLowerCase();
}

/**
 * Validates one hex digest of the given type and returns it trimmed and lowercase.
 * Throws `TieError` `TIE_INVALID_INPUT` saying which hash is wrong and why.
 */
export function normalizeHash(value: unknown, hashType: HashTypeValue, label: string = `${hashType} hash`): string {
  const hex = checkedHex(value, label);
  const expected = HASH_HEX_LENGTH[hashType];
  if (hex.length !== expected) {
    throw invalidInput(
      `${label} ${quote(hex)} has ${hex.length} hexadecimal characters; ${article(hashType)} ${hashType} hash has ${expected}`,
    );
  }
  return hex;
}

function article(hashType: string): string {
  return hashType === HashType.MD5 ? 'an' : 'a';
}

/** Validates a bare hex digest whose length names its type. */
export function normalizeBareHash(value: unknown, label = 'hash'): { type: HashTypeValue; hex: string } {
  const hex = checkedHex(value, label);
  const type = HASH_TYPE_BY_LENGTH.get(hex.length);
  if (type === undefined) {
    throw invalidInput(`${label} ${quote(hex)} has ${hex.length} hexadecimal characters; expected 32 (md5), 40 (sha1) or 64 (sha256)`);
  }
  return { type, hex };
}

/**
 * Validates caller-supplied file hashes and returns them as a dict of lowercase hex, in the
 * caller's order. Keys are hash types in any case; `undefined`/`null` values are skipped; at least
 * one hash must remain.
 */
export function normalizeHashes(input: unknown): HashDict {
  if (typeof input === 'string') {
    const { type, hex } = normalizeBareHash(input);
    return { [type]: hex };
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalidInput(`hashes must be an object such as {"md5": "<32 hex digits>"} or a hex string, got ${describeType(input)}`);
  }
  const out: HashDict = {};
  let count = 0;
  for (const key in input) {
    if (!Object.prototype.hasOwnProperty.call(input, key)) continue;
    const value = (input as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    const type = key.toLowerCase();
    if (!isHashType(type)) {
      throw invalidInput(`unknown hash type ${quote(key)}: expected md5, sha1 or sha256`);
    }
    const hex = normalizeHash(value, type);
    const previous = out[type];
    if (previous !== undefined && previous !== hex) {
      throw invalidInput(`${type} hash given twice with different values`);
    }
    if (previous === undefined) count++;
    out[type] = hex;
  }
  if (count === 0) throw invalidInput('no hashes given: expected at least one of md5, sha1 or sha256');
  return out;
}

/** Validates a certificate SHA-1 (required) and its public-key SHA-1 (optional: undefined, null or ""). */
export function normalizeCertificateHashes(sha1: unknown, publicKeySha1?: unknown): { sha1: string; publicKeySha1: string | undefined } {
  if (sha1 === undefined || sha1 === null || sha1 === '') {
    throw invalidInput('certificate sha1 is required');
  }
  const certSha1 = normalizeHash(sha1, HashType.SHA1, 'certificate sha1');
  const publicKey =
    publicKeySha1 === undefined || publicKeySha1 === null || publicKeySha1 === ''
      ? undefined
      : normalizeHash(publicKeySha1, HashType.SHA1, 'certificate publicKeySha1');
  return { sha1: certSha1, publicKeySha1: publicKey };
}

/** Base64 (RFC 4648, padded) of the raw bytes of a hex string. Throws on anything but even-length hex. */
export function hexToBase64(hex: string): string {
  const clean = checkedHex(hex, 'hex value');
  if (clean.length % 2 !== 0) throw invalidInput(`hex value ${quote(clean)} has an odd number of digits`);
  return validatedHexToBase64(clean);
}

/** `hexToBase64` without the checks, for hex already validated (what the normalize functions return). */
export function validatedHexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/** Lowercase hex of the bytes a base64 string encodes. Throws on anything but padded standard base64. */
export function base64ToHex(base64: string): string {
  if (typeof base64 !== 'string' || !BASE64_RE.test(base64)) {
    throw new TieError(TieErrorCode.InvalidInput, `${quote(String(base64))} is not standard padded base64`);
  }
  return Buffer.from(base64, 'base64').toString('hex');
}

export function isBase64(value: unknown): value is string {
  return typeof value === 'string' && BASE64_RE.test(value);
}

/** Hex dict → the wire list `[{type, value: base64}]`, in the dict's order. Expects validated hex. */
export function toWireHashes(hashes: HashDict): WireHash[] {
  const list: WireHash[] = [];
  for (const type in hashes) {
    const hex = hashes[type];
    if (hex !== undefined) list.push({ type, value: validatedHexToBase64(hex) });
  }
  return list;
}

/**
 * The body of a file-reputation request, `{"hashes":[{"type":"md5","value":"<base64>"}],"scanType":N}` (the
 * wire list of `toWireHashes`), written as JSON text: hash types are validated names and base64 has no character
 * JSON escapes, so nothing needs escaping, and it costs half of JSON.stringify of the objects (BENCHMARKS.md,
 * "Issue 24's round: the library within 1.15x bare"). Expects validated hex.
 */
export function fileReputationRequestJson(hashes: HashDict, scanType: number): string {
  let list = '';
  for (const type in hashes) {
    const hex = hashes[type];
    if (hex === undefined) continue;
    list += `${list === '' ? '' : ','}{"type":"${type}","value":"${validatedHexToBase64(hex)}"}`;
  }
  return `{"hashes":[${list}],"scanType":${scanType}}`;
}

/** What a hand-made event gets wrong most often: the hex dict the nodes output instead of TIE's wire list. */
const WIRE_HASHES_HINT =
  ': on the wire TIE sends [{"type": "md5", "value": "<the hash bytes in base64>"}], not the {"md5": "<hex>"} the nodes output (docs/fabric.md, "Sending TIE events by hand")';

/**
 * The wire list → hex dict, as both clients do it: later entries of a type overwrite earlier
 * ones; base64 is decoded leniently (as Node and Python do) so that no received event is lost.
 */
export function fromWireHashes(list: unknown, where = 'hashes'): HashDict {
  if (!Array.isArray(list)) throw invalidResponse(`${where} is not a list of {type, value}${WIRE_HASHES_HINT}`);
  const out: HashDict = {};
  for (let i = 0; i < list.length; i++) {
    const entry: unknown = list[i];
    if (entry === null || typeof entry !== 'object') throw invalidResponse(`${where}[${i}] is not a {type, value} object`);
    const { type, value } = entry as { type?: unknown; value?: unknown };
    if (typeof type !== 'string' || typeof value !== 'string') {
      throw invalidResponse(`${where}[${i}] lacks a string type or value`);
    }
    out[type] = leniently(value);
  }
  return out;
}

/** Lenient base64 → hex for values received from TIE (see `fromWireHashes`). */
export function receivedBase64ToHex(value: unknown, where: string): string {
  if (typeof value !== 'string') throw invalidResponse(`${where} is not a base64 string`);
  return leniently(value);
}

/** Node's base64 decoding, which skips what is not base64 (as Python's does by default). */
function leniently(base64: string): string {
  return Buffer.from(base64, 'base64').toString('hex');
}

// ---- targets: what a lookup, a set or a first-references call is about ----

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
