/**
 * The one reader of the files a person names (a dxlclient.config, the PEM files it names, a CA
 * bundle): only a regular file, only up to its kind's cap, and never a wait on the event loop.
 * The file is opened with O_NONBLOCK (a FIFO opens at once, with or without a writer), its open
 * descriptor is fstat-ed, and anything but a regular file is refused before a byte is read; a
 * regular file is read to at most cap + 1 bytes, because some (/proc) report a size of 0.
 * Errors name the path and what is wrong with it, never what it holds.
 */
import fs from 'node:fs';
import { DxlError, DxlErrorCode } from './errors';
import { expandHome } from './home-path';

/** What a kind of file may be: its cap and its name in messages. */
export interface FileKind {
  maxBytes: number;
  /** "dxlclient.config", "PEM file": messages say "a <noun>" and "the <noun> in it". */
  noun: string;
}

/** The largest dxlclient.config read, from disk or imported in the editor. */
export const MAX_DXL_CONFIG_BYTES = 64 * 1024;
/** The largest PEM file (CA bundle, certificate, key) read, from disk or uploaded in the editor. */
export const MAX_PEM_BYTES = 1024 * 1024;

export const DXL_CONFIG_FILE: FileKind = { maxBytes: MAX_DXL_CONFIG_BYTES, noun: 'dxlclient.config' };
export const PEM_FILE: FileKind = { maxBytes: MAX_PEM_BYTES, noun: 'PEM file' };
export const CA_BUNDLE_FILE: FileKind = { maxBytes: MAX_PEM_BYTES, noun: 'CA bundle' };

/** A file that was not read: DXL_CONFIG, its message `<label>: <reason>`; `reason` alone for callers with their own prefix. */
export class FileReadError extends DxlError {
  readonly reason: string;

  constructor(label: string, reason: string, cause?: unknown) {
    super(DxlErrorCode.Config, `${label}: ${reason}`, cause === undefined ? {} : { cause });
    this.reason = reason;
  }
}

const READ_CHUNK_BYTES = 64 * 1024;

// Undefined on Windows, where a named pipe is not a path on the file system anyway.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** 700 MB, 64 KB, 12 bytes: sizes as messages give them. */
export function formatSize(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : Number(value.toFixed(value < 10 ? 1 : 0))} ${units[unit]}`;
}

function notRegular(stats: fs.Stats, kind: FileKind): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return `this is a folder, not a file: give the path of the ${kind.noun} in it`;
  if (stats.isFIFO()) return 'is a FIFO (named pipe), not a regular file';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'is a device, not a regular file';
  if (stats.isSocket()) return 'is a socket, not a regular file';
  return 'is not a regular file';
}

function tooLarge(size: number | undefined, kind: FileKind): string {
  const what = size === undefined ? 'is larger than' : `is ${formatSize(size)}, over`;
  return `${what} the ${formatSize(kind.maxBytes)} a ${kind.noun} may be`;
}

/** Why a file could not be opened, in words: not found, a folder, no permission, or the system's reason. */
export function unreadableFileReason(error: unknown, kind: FileKind): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EISDIR') return `this is a folder, not a file: give the path of the ${kind.noun} in it`;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied (the user running Node-RED cannot read it)';
  // A socket (or a device without a driver) cannot be opened at all.
  if (code === 'ENXIO' || code === 'ENODEV') return 'is a socket or device, not a regular file';
  return (error as Error).message;
}

function readOpen(fd: number, kind: FileKind): Buffer | string {
  const stats = fs.fstatSync(fd);
  const refused = notRegular(stats, kind);
  if (refused !== undefined) return refused;
  if (stats.size > kind.maxBytes) return tooLarge(stats.size, kind);
  // The size is a hint only (0 for /proc files, and a file may grow): read until the end or past the cap.
  const buffer = Buffer.allocUnsafe(Math.min(kind.maxBytes, Math.max(stats.size, READ_CHUNK_BYTES)) + 1);
  let filled = 0;
  let chunk = buffer;
  const chunks: Buffer[] = [];
  for (;;) {
    const read = fs.readSync(fd, chunk, filled, chunk.length - filled, null);
    if (read === 0) break;
    filled += read;
    if (filled < chunk.length) continue;
    chunks.push(chunk);
    const total = chunks.reduce((sum, part) => sum + part.length, 0);
    if (total > kind.maxBytes) return tooLarge(undefined, kind);
    chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, kind.maxBytes + 1 - total));
    filled = 0;
  }
  return Buffer.concat([...chunks, chunk.subarray(0, filled)]);
}

/**
 * The bytes of `given` (a leading `~` expanded) when it is a regular file of at most the kind's
 * cap. Synchronous, but it never blocks: nothing but a regular file is ever read, and at most
 * cap + 1 bytes of it. Throws FileReadError labelled `label` (default: the path as given).
 */
export function readFileSafely(given: string, kind: FileKind, label = given): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(expandHome(given), OPEN_FLAGS);
  } catch (error) {
    throw new FileReadError(label, unreadableFileReason(error, kind), error);
  }
  try {
    const result = readOpen(fd, kind);
    if (typeof result === 'string') throw new FileReadError(label, result);
    return result;
  } catch (error) {
    if (error instanceof FileReadError) throw error;
    throw new FileReadError(label, unreadableFileReason(error, kind), error);
  } finally {
    fs.closeSync(fd);
  }
}
