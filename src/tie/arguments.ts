/**
 * Trust levels, file types, query limits and text (file names, comments), read under the three
 * rules they arrive by, each named for it:
 * - `...FromUser`: what a person or a flow typed (lenient): numbers, numeric text or names such as
 *   "KNOWN_TRUSTED" or "Known Trusted"; unset file types and query limits take their defaults.
 * - `...Argument`: a TieClient argument: a number (or numeric text, as the JavaScript client takes).
 * - `...FromWire`: what a TIE request carries on the wire (strict): JSON numbers only.
 * The user and argument rules throw TIE_INVALID_INPUT; the wire rule gives its message to `refuse`.
 * Nothing given is `isBlank`'s rule (undefined, null, or blanks only), for every one of them.
 */
import { COUNT, INTEGER, isBlank, readNumber } from '../dxl/numbers';
import { DEFAULT_FIRST_REFERENCES_LIMIT } from './topics';
import { FileType, TRUST_LEVELS, TrustLevel, isFileType, isTrustLevel, trustLevelName } from './constants';
import { invalidInput } from './errors';

const NAME_NOISE_RE = /[\s_-]+/g;

function nameKey(text: string): string {
  return text.replace(NAME_NOISE_RE, '').toUpperCase();
}

const TRUST_LEVEL_BY_NAME: ReadonlyMap<string, number> = new Map([
  ...Object.entries(TrustLevel).map(([name, value]) => [nameKey(name), value] as const),
  ...TRUST_LEVELS.map((value) => [nameKey(trustLevelName(value)), value] as const),
]);

const FILE_TYPE_BY_NAME: ReadonlyMap<string, number> = new Map(
  Object.entries(FileType).map(([name, value]) => [nameKey(name), value] as const),
);

/** Text for a value JSON cannot show (a function, a symbol, a bigint, a circular object). */
function unquotable(value: unknown): string {
  switch (typeof value) {
    case 'function':
    case 'symbol':
    case 'bigint':
    case 'number':
    case 'boolean':
      return value.toString();
    case 'string':
      return value;
    case 'undefined':
      return 'undefined';
    default:
      return value === null ? 'null' : Object.prototype.toString.call(value);
  }
}

/** A value as error messages quote it (long text shortened). */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value) ?? unquotable(value);
  } catch {
    return unquotable(value);
  }
}

function numberOrName(value: unknown, byName: ReadonlyMap<string, number>): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  return readNumber(text, INTEGER) ?? byName.get(nameKey(text));
}

// ---- lenient: what a user typed ----

/** A trust level from 99, "99", "KNOWN_TRUSTED", "Known Trusted" or "known-trusted"; `what` names it in messages. */
export function trustLevelFromUser(value: unknown, what = 'trustLevel'): number {
  if (isBlank(value)) throw invalidInput(`${what} was not specified: give a trust level such as 99 or "KNOWN_TRUSTED"`);
  const level = numberOrName(value, TRUST_LEVEL_BY_NAME);
  if (level === undefined || !isTrustLevel(level)) {
    throw invalidInput(
      `${what} ${shown(value)} is not a TIE trust level: expected one of ${TRUST_LEVELS.map((l) => `${l} (${trustLevelName(l)})`).join(', ')}`,
    );
  }
  return level;
}

/** A file type from 18, "18" or "PEEXE"; unset gives NONE (0). */
export function fileTypeFromUser(value: unknown, what = 'fileType'): number {
  if (isBlank(value)) return FileType.NONE;
  const fileType = numberOrName(value, FILE_TYPE_BY_NAME);
  if (fileType === undefined || !isFileType(fileType)) {
    throw invalidInput(`${what} ${shown(value)} is not a TIE file type: expected a name such as "PEEXE" or its number`);
  }
  return fileType;
}

/** A query limit: a whole number ≥ 1 (number or numeric text); unset gives `fallback`. */
export function queryLimitFromUser(value: unknown, what = 'queryLimit', fallback = DEFAULT_FIRST_REFERENCES_LIMIT): number {
  if (isBlank(value)) return fallback;
  const limit = readNumber(value, COUNT);
  if (limit === undefined) {
    throw invalidInput(`${what} ${shown(value)} is not a query limit: expected a whole number of at least 1`);
  }
  return limit;
}

/** Text a flow passes (a file name, a comment): text as it is, nothing gives "", numbers and booleans become text, anything else is refused. */
export function textFromUser(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalidInput(`${what} must be text, got ${Array.isArray(value) ? 'an array' : typeof value}`);
}

// ---- TieClient arguments ----

/** A file name or comment: as `textFromUser`, but a string only, as the JavaScript client takes. */
export function textArgument(value: unknown, what: string): string {
  if (value !== undefined && value !== null && typeof value !== 'string')
    throw invalidInput(`${what} must be a string, got ${typeof value}`);
  return textFromUser(value, what);
}

/** The trust level of an Enterprise set: like the JavaScript client, numeric text is accepted; it must be a TrustLevel value. */
export function trustLevelArgument(trustLevel: unknown): number {
  if (isBlank(trustLevel)) throw invalidInput('trustLevel was not specified');
  const level = typeof trustLevel === 'number' ? trustLevel : (readNumber(trustLevel, INTEGER) ?? NaN);
  if (Number.isNaN(level)) throw invalidInput(`trustLevel was not a number: ${JSON.stringify(trustLevel) ?? unquotable(trustLevel)}`);
  if (!isTrustLevel(level)) {
    throw invalidInput(`trustLevel ${level} is not a TIE trust level: expected one of ${TRUST_LEVELS.join(', ')}`);
  }
  return level;
}

/** A first-references limit: a whole number ≥ 1; undefined and null give the default (500). */
export function queryLimitArgument(queryLimit: unknown): number {
  if (queryLimit === undefined || queryLimit === null) return DEFAULT_FIRST_REFERENCES_LIMIT;
  if (typeof queryLimit !== 'number' || readNumber(queryLimit, COUNT) === undefined) {
    throw invalidInput(`queryLimit must be a whole number of at least 1, got ${JSON.stringify(queryLimit) ?? unquotable(queryLimit)}`);
  }
  return queryLimit;
}

// ---- strict: what a request carries on the wire ----

/** The `trustLevel` of a set request: a TrustLevel value as a JSON number. */
export function trustLevelFromWire(value: unknown, refuse: (message: string) => Error): number {
  if (value === undefined || value === null) throw refuse('No trust level was specified');
  if (!isTrustLevel(value)) throw refuse(`Unknown trust level ${JSON.stringify(value)}: expected one of ${TRUST_LEVELS.join(', ')}`);
  return value;
}

/** The `queryLimit` of a first-references request: absent or null is the clients' default (500); otherwise a whole number ≥ 0. */
export function queryLimitFromWire(value: unknown, refuse: (message: string) => Error): number {
  if (value === undefined || value === null) return DEFAULT_FIRST_REFERENCES_LIMIT;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw refuse(`Invalid queryLimit ${JSON.stringify(value)}: expected a whole number`);
  }
  return value;
}
