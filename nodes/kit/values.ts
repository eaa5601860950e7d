/**
 * Reading the text settings a flow passes and the node settings of a node's form. Trust levels,
 * file types and query limits a flow passes are read by the TIE layer (src/tie/arguments.ts).
 */
import { isUnset } from '../../src/tie/arguments';
import { invalidInput } from '../../src/tie/errors';

/** Optional text (file name, comment): unset gives "", numbers become text, anything else is refused (TIE_INVALID_INPUT). */
export function parseText(value: unknown, what: string): string {
  if (isUnset(value)) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalidInput(`${what} must be text, got ${Array.isArray(value) ? 'an array' : typeof value}`);
}

/** A number, or number text, as a number; NaN for anything else (an empty text included). */
export function numberFrom(value: unknown): number {
  return typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
}

/** A positive whole number from a node setting (e.g. concurrency), clamped to [min, max]; `fallback` when unset or invalid. */
export function settingInteger(value: unknown, fallback: number, min: number, max: number): number {
  const n = numberFrom(value);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, Math.round(n)));
}

/** A positive number from a node setting (seconds, ...); `fallback` when unset, invalid or not positive. */
export function settingNumber(value: unknown, fallback: number): number {
  const n = numberFrom(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}
