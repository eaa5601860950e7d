import { computeVerdict } from '../src/tie/verdict';
import { fileReputationRequestJson, normalizeHashes, toWireHashes } from '../src/tie/hashes';
import type { HashDict, Reputations } from '../src/tie/types';
import { FILE_HASHES, REPUTATION_RESPONSE } from './workload';

/*
 * `node dist/bench/tricks.js`: what the speed tricks of the TIE layer buy per call, each beside the
 * plain code, in one process, rounds interleaved, medians in ns. The dropped tricks and the plain
 * code of the kept ones are written out here for the comparison only (BENCHMARKS.md, "Library: what each trick buys").
 */

type Case = [name: string, run: () => unknown];

const hashes: HashDict = normalizeHashes(FILE_HASHES);

/** The dropped trick: a digit run checked by hand before the regular expression. */
function isShortDigitRun(raw: string): boolean {
  if (raw.length === 0 || raw.length > 15) return false;
  for (let index = 0; index < raw.length; index++) {
    const code = raw.charCodeAt(index);
    if (code < 48 || code > 57) return false;
  }
  return true;
}
const SIGNED_INTEGER_RE = /^\s*-?\d+\s*$/;
const DIGITS = ['17', '1451502875', '21', '0', '2139160704', '256'];

/** The dropped trick: targets remembered as validated, so that the client need not validate them again. */
const validated = new WeakSet<object>();
validated.add(hashes);

const reputations = Object.fromEntries(
  (JSON.parse(REPUTATION_RESPONSE) as { reputations: Array<{ providerId: number }> }).reputations.map((r) => [r.providerId, r]),
) as Reputations;
let unseen = 1_500_000_000;
/** The same reputations with a date and a server version never seen before: every memo lookup misses. */
function freshReputations(): Reputations {
  unseen++;
  const copy = JSON.parse(JSON.stringify(reputations)) as Reputations;
  copy[3].attributes = { ...copy[3].attributes, '2102165': String(unseen), '2139285': String(72339069014638857n + BigInt(unseen)) };
  copy[1].attributes = { ...copy[1].attributes, '2120340': String(unseen) };
  return copy;
}
const fresh = Array.from({ length: 4096 }, freshReputations);
let next = 0;

const groups: Array<[title: string, cases: Case[]]> = [
  [
    'request body of a file lookup',
    [
      ['JSON text written by hand (kept: fileReputationRequestJson)', () => fileReputationRequestJson(hashes, 3)],
      ['JSON.stringify of the wire objects (the plain code)', () => JSON.stringify({ hashes: toWireHashes(hashes), scanType: 3 })],
    ],
  ],
  [
    'a target read by the client',
    [
      ['validated again (kept: plain)', () => normalizeHashes(hashes)],
      ['WeakSet says validated (dropped)', () => validated.has(hashes)],
    ],
  ],
  [
    'six integer attributes read',
    [
      ['regular expression (kept: plain)', () => DIGITS.map((raw) => (SIGNED_INTEGER_RE.test(raw) ? Number(raw) : undefined))],
      [
        'digits checked by hand (dropped)',
        () => DIGITS.map((raw) => (isShortDigitRun(raw) || SIGNED_INTEGER_RE.test(raw) ? Number(raw) : undefined)),
      ],
    ],
  ],
  [
    "a file's verdict (GTI and Enterprise, two dates, one server version)",
    [
      ['dates and version seen before (memo hits: kept)', () => computeVerdict(reputations, 'file')],
      ['never seen (memo misses: the plain cost)', () => computeVerdict(fresh[next++ % fresh.length], 'file')],
    ],
  ],
];

function nsPerCall(run: () => unknown, calls: number): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) run();
  return Number(process.hrtime.bigint() - started) / calls;
}

const ROUNDS = 7;
for (const [title, cases] of groups) {
  for (const [, run] of cases) nsPerCall(run, 20_000);
  const results = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of cases) results.set(name, [...(results.get(name) ?? []), nsPerCall(run, 50_000)]);
  }
  process.stdout.write(`${title}\n`);
  for (const [name, times] of results) {
    times.sort((a, b) => a - b);
    process.stdout.write(`  ${name}: ${times[ROUNDS >> 1].toFixed(0)} ns (${times.map((t) => t.toFixed(0)).join(' ')})\n`);
  }
}
