/**
 * What a request node reads from its input: one item (a file or a certificate, with optional
 * per-item settings) or an array of them (a batch). Accepted forms, by subject:
 *
 * file         "<hex>" (32 md5, 40 sha1, 64 sha256 digits)
 *              {md5?, sha1?, sha256?, ...settings}    hash keys in any case
 *              {hashes: "<hex>" | {md5?, sha1?, sha256?}, ...settings}
 * certificate  "<40 hex digits>" (the certificate's sha1)
 *              {sha1, publicKeySha1?, ...settings}
 *              {hashes: {sha1}, publicKeySha1?, ...settings}
 *
 * Settings an item may carry (which ones depends on the node): trustLevel, filename, comment,
 * fileType, queryLimit. An item's own setting wins over the node's.
 */
import { type ReputationTarget, certificateTarget, fileTarget, isHashType } from '../../src/tie/hashes';
import { inputError, invalidInputError } from './errors';

export type Subject = ReputationTarget['subject'];
export type Target = ReputationTarget;

export const ITEM_SETTINGS = ['trustLevel', 'filename', 'comment', 'fileType', 'queryLimit'] as const;
export type ItemSettingName = (typeof ITEM_SETTINGS)[number];
export type ItemSettings = Partial<Record<ItemSettingName, unknown>>;

export interface InputItem {
  target: Target;
  /** Only the settings the node accepts, as given (parsed later, with the node's own as fallback). */
  settings: ItemSettings;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function isSetting(key: string, accepted: readonly ItemSettingName[]): key is ItemSettingName {
  return (accepted as readonly string[]).includes(key);
}

function unknownKey(key: string, label: string, subject: Subject, accepted: readonly ItemSettingName[], index?: number): never {
  const identity = subject === 'file' ? 'md5, sha1, sha256 or hashes' : 'sha1, publicKeySha1 or hashes';
  const settings = accepted.length > 0 ? `; settings: ${accepted.join(', ')}` : '';
  return throwInvalid(`${label} has an unknown property ${JSON.stringify(key)}: expected ${identity}${settings}`, index);
}

function throwInvalid(message: string, index?: number): never {
  throw invalidInputError(message, index);
}

function parseFile(value: unknown, label: string, accepted: readonly ItemSettingName[], index?: number): InputItem {
  if (typeof value === 'string') return { target: fileTarget(value), settings: {} };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return throwInvalid(
      `${label} must be a file hash (hex string) or an object such as {"sha256": "<64 hex digits>"}, got ${describe(value)}`,
      index,
    );
  }
  const record = value as Record<string, unknown>;
  const settings: ItemSettings = {};
  const hashes: Record<string, unknown> = {};
  let nested: unknown;
  for (const key of Object.keys(record)) {
    if (key === 'hashes') nested = record[key];
    else if (isHashType(key.toLowerCase())) hashes[key] = record[key];
    else if (isSetting(key, accepted)) settings[key] = record[key];
    else unknownKey(key, label, 'file', accepted, index);
  }
  if (nested !== undefined && Object.keys(hashes).length > 0) {
    return throwInvalid(`${label} gives hashes twice: use either "hashes" or md5/sha1/sha256 keys`, index);
  }
  return { target: fileTarget(nested !== undefined ? nested : hashes), settings };
}

function parseCertificate(value: unknown, label: string, accepted: readonly ItemSettingName[], index?: number): InputItem {
  if (typeof value === 'string') return { target: certificateTarget(value), settings: {} };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return throwInvalid(
      `${label} must be a certificate sha1 (40 hex digits) or an object such as {"sha1": "...", "publicKeySha1": "..."}, got ${describe(value)}`,
      index,
    );
  }
  const record = value as Record<string, unknown>;
  const settings: ItemSettings = {};
  let sha1: unknown;
  let publicKeySha1: unknown;
  let nested: unknown;
  for (const key of Object.keys(record)) {
    if (key === 'sha1') sha1 = record[key];
    else if (key === 'publicKeySha1') publicKeySha1 = record[key];
    else if (key === 'hashes') nested = record[key];
    else if (isSetting(key, accepted)) settings[key] = record[key];
    else unknownKey(key, label, 'certificate', accepted, index);
  }
  if (nested !== undefined) {
    if (sha1 !== undefined) return throwInvalid(`${label} gives the sha1 twice: use either "sha1" or "hashes"`, index);
    if (nested === null || typeof nested !== 'object' || Array.isArray(nested)) {
      return throwInvalid(`${label}.hashes must be an object such as {"sha1": "<40 hex digits>"}`, index);
    }
    const extra = Object.keys(nested).find((key) => key !== 'sha1');
    if (extra !== undefined) {
      return throwInvalid(`${label}.hashes has ${JSON.stringify(extra)}: a certificate is identified by its sha1 only`, index);
    }
    sha1 = (nested as Record<string, unknown>).sha1;
  }
  return { target: certificateTarget(sha1, publicKeySha1), settings };
}

/**
 * One item of the given subject, its hashes validated by the TIE layer before anything is sent (a
 * batch is refused whole; the TieClient checks a target again where it reads it). `label` names where it came from ("msg.payload", "msg.payload[2]") in
 * error messages; `index` is its position in a batch. The TIE layer's validation errors come as
 * they are: `withInputContext` around the item's whole reading gives them the input's context.
 */
export function readItem(value: unknown, subject: Subject, accepted: readonly ItemSettingName[], label: string, index?: number): InputItem {
  if (value === undefined || value === null || value === '') {
    return throwInvalid(`${label} is empty: give a ${subject === 'file' ? 'file hash' : 'certificate sha1'} or an object`, index);
  }
  return subject === 'file' ? parseFile(value, label, accepted, index) : parseCertificate(value, label, accepted, index);
}

/**
 * Runs `read` on one input: the one place where a validation error of the TIE layer gets the
 * input's context (its label in front of the message, its batch index beside it).
 */
export function withInputContext<T>(label: string, index: number | undefined, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw inputError(error, label, index);
  }
}

/**
 * The most items one message may hold. A flow that feeds a node an unbounded list (a file read
 * whole, a query result) is refused before anything is sent rather than holding its requests and
 * results in memory, and told to split it.
 */
export const MAX_BATCH_ITEMS = 10_000;

/** Refuses a batch of more than MAX_BATCH_ITEMS items before any is read. */
export function checkBatchSize(values: readonly unknown[], label: string): void {
  if (values.length > MAX_BATCH_ITEMS) {
    throwInvalid(`${label} has ${values.length} items: a batch holds at most ${MAX_BATCH_ITEMS}; split it into smaller batches`);
  }
}
