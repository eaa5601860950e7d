/**
 * Files a person may point a tie-config, a dxlclient.config or a CA option at by mistake or on
 * purpose, made in a temp folder: a FIFO nothing ever writes to, /dev/zero, a 100 MB sparse file,
 * a folder, /etc/passwd, /proc/self/environ and random text. Each with what its error must say and
 * what must never be seen of it; and a probe of the event loop for the time they are tried.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** Planted in every file the tests make; it must never show in an error, log line or status. */
export const MARKER = 'ZEBRA-7f3c-MARKER-do-not-echo';

export interface HostileFile {
  name: string;
  file: string;
  /** What the error must say about it. */
  problem: RegExp;
  /** Texts of the file that must never be seen. */
  secrets: string[];
}

/** Printable noise, a line at a time, with the marker in the first line (the one a parser stops at). */
function randomText(): string {
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) lines.push(randomBytes(30).toString('base64').replace(/[+/=]/g, ' '));
  lines[0] = `${lines[0].slice(0, 20)} ${MARKER} ${lines[0].slice(20)}`;
  return `${lines.join('\n')}\n`;
}

function firstLineOf(file: string): string {
  return fs.readFileSync(file, 'utf8').split('\n', 1)[0];
}

/** The hostile files, made in `dir` (which the caller removes). */
export function hostileFiles(dir: string): HostileFile[] {
  const fifo = path.join(dir, 'fifo.config');
  execFileSync('mkfifo', [fifo]);
  const sparse = path.join(dir, 'sparse.config');
  fs.writeFileSync(sparse, `[General]\n${MARKER}\n`);
  fs.truncateSync(sparse, 100 * 1024 * 1024);
  const folder = path.join(dir, 'a-folder');
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, `${MARKER}.config`), MARKER);
  const noise = path.join(dir, 'random.txt');
  fs.writeFileSync(noise, randomText());
  const files: HostileFile[] = [
    { name: 'a FIFO', file: fifo, problem: /is a FIFO \(named pipe\), not a regular file/, secrets: [] },
    { name: '/dev/zero', file: '/dev/zero', problem: /is a device, not a regular file/, secrets: [] },
    { name: 'a 100 MB sparse file', file: sparse, problem: /is 100 MB, over the 64 KB a dxlclient\.config may be/, secrets: [MARKER] },
    { name: 'a folder', file: folder, problem: /this is a folder, not a file/, secrets: [MARKER] },
    { name: 'random text', file: noise, problem: /line 1: neither a \[Section\] nor a key=value line/, secrets: [MARKER] },
  ];
  if (fs.existsSync('/etc/passwd')) {
    const first = firstLineOf('/etc/passwd');
    files.push({
      name: '/etc/passwd',
      file: '/etc/passwd',
      problem: /line 1: neither a \[Section\] nor a key=value line/,
      secrets: [first],
    });
  }
  if (fs.existsSync('/proc/self/environ')) {
    const secrets = process.env.PATH === undefined ? [] : [`PATH=${process.env.PATH}`, process.env.PATH];
    files.push({ name: '/proc/self/environ', file: '/proc/self/environ', problem: /line 1: binary data/, secrets });
  }
  return files;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The longest the event loop was kept from running, in ms, over what `attempt` did (awaited). */
export async function longestStall(attempt: () => Promise<void> | void): Promise<number> {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  try {
    await attempt();
    // One more turn of timers, so that a stall at the very end is sampled.
    await new Promise((resolve) => setTimeout(resolve, 30));
  } finally {
    histogram.disable();
  }
  return histogram.max / 1e6;
}

/** The most the event loop may stall over an attempt: a blocked read of a FIFO, a device or a huge file takes far longer. */
export const MAX_STALL_MS = 100;
/** The most the resident set may grow over all attempts: reading /dev/zero or a 100 MB file would take far more. */
export const MAX_RSS_GROWTH_BYTES = 64 * 1024 * 1024;
