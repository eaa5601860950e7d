/*
 * Reads a topic policy file for the fabric: a regular file (a FIFO or a device is refused
 * without blocking on it), at most MAX_POLICY_FILE_BYTES, UTF-8. Errors name the path as given
 * and what is wrong, never the file's content.
 */
import fs from 'node:fs';
import { expandHome } from '../dxl/home-path';
import { type TopicPolicy, TopicPolicyError, TopicPolicyErrorCode, parseTopicPolicy } from './topic-policy';

export const MAX_POLICY_FILE_BYTES = 1024 * 1024;

function unreadable(given: string, reason: string): TopicPolicyError {
  return new TopicPolicyError(TopicPolicyErrorCode.Unreadable, `topic policy ${given}: ${reason}`);
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EISDIR') return 'this is a folder, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return `cannot be read (${code ?? 'unknown error'})`;
}

function readBounded(given: string): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below).
    fd = fs.openSync(expandHome(given), fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw unreadable(given, reasonOf(error));
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw unreadable(given, stat.isDirectory() ? 'this is a folder, not a file' : 'not a regular file');
    if (stat.size > MAX_POLICY_FILE_BYTES) throw unreadable(given, `larger than ${MAX_POLICY_FILE_BYTES} bytes`);
    const buffer = Buffer.alloc(MAX_POLICY_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const read = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      // The file grew after fstat.
      if (length > MAX_POLICY_FILE_BYTES) throw unreadable(given, `larger than ${MAX_POLICY_FILE_BYTES} bytes`);
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof TopicPolicyError) throw error;
    throw unreadable(given, reasonOf(error));
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads and parses a policy file; a parse error names the file too. */
export function readTopicPolicyFile(given: string): TopicPolicy {
  const bytes = readBounded(given);
  try {
    return parseTopicPolicy(bytes.toString('utf8'));
  } catch (error) {
    if (error instanceof TopicPolicyError) throw new TopicPolicyError(error.code, `topic policy ${given}: ${error.reason}`);
    throw error;
  }
}
