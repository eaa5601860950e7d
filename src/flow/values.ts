/**
 * Reading the scalar settings a flow passes (trust level, file type, query limit, text): as
 * numbers, numeric text or names, since a flow builds them from JSON, from strings or from a
 * node's select box. Every refusal says what was given and what is accepted.
 */
import { FileType, TRUST_LEVELS, TrustLevel, isFileType, isTrustLevel, trustLevelName } from '../tie/constants';
import { invalidInputError } from './errors';

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

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function numberOrName(value: unknown, byName: ReadonlyMap<string, number>): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^-?\d+$/.test(text)) return Number(text);
  return byName.get(nameKey(text));
}

/** True for undefined, null and "" (what an unset TypedInput or a missing msg property gives). */
export function isUnset(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || value === '';
}

/**
 * A TIE trust level from 99, "99", "KNOWN_TRUSTED", "Known Trusted" or "known-trusted".
 * Throws TIE_INVALID_INPUT naming `label` when unset or not a trust level.
 */
export function parseTrustLevel(value: unknown, label: string): number {
  if (isUnset(value)) {
    throw invalidInputError(`${label} was not specified: give a trust level such as 99 or "KNOWN_TRUSTED"`);
  }
  const level = numberOrName(value, TRUST_LEVEL_BY_NAME);
  if (level === undefined || !isTrustLevel(level)) {
    throw invalidInputError(
      `${label} ${show(value)} is not a TIE trust level: expected one of ${TRUST_LEVELS.map((l) => `${l} (${trustLevelName(l)})`).join(', ')}`,
    );
  }
  return level;
}

/** A file type from 18, "18" or "PEEXE"; unset gives NONE (0). */
export function parseFileType(value: unknown, label: string): number {
  if (isUnset(value)) return FileType.NONE;
  const fileType = numberOrName(value, FILE_TYPE_BY_NAME);
  if (fileType === undefined || !isFileType(fileType)) {
    throw invalidInputError(`${label} ${show(value)} is not a TIE file type: expected a name such as "PEEXE" or its number`);
  }
  return fileType;
}

/** A query limit: a whole number ≥ 1 (number or numeric text); unset gives `fallback`. */
export function parseQueryLimit(value: unknown, label: string, fallback: number): number {
  if (isUnset(value)) return fallback;
  const limit = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
    throw invalidInputError(`${label} ${show(value)} is not a query limit: expected a whole number of at least 1`);
  }
  return limit;
}

/** Optional text (file name, comment): unset gives "", numbers become text, anything else is refused. */
export function parseText(value: unknown, label: string): string {
  if (isUnset(value)) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalidInputError(`${label} must be text, got ${Array.isArray(value) ? 'an array' : typeof value}`);
}

/** A positive whole number from a node setting (e.g. concurrency), clamped to [min, max]; `fallback` when unset or invalid. */
export function settingInteger(value: unknown, fallback: number, min: number, max: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, Math.round(n)));
}

/** A positive number from a node setting (seconds, ...); `fallback` when unset, invalid or not positive. */
export function settingNumber(value: unknown, fallback: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : fallback;
}
