import fs from 'node:fs';
import path from 'node:path';

/*
 * Sums a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --cpu-prof DIR`) by self time:
 * the heaviest functions and files, each as a share of the samples. Usage:
 * node dist/bench/profile-summary.js FILE.cpuprofile [rows]
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const [file, rowsText] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-summary FILE.cpuprofile [rows]\n');
  process.exit(2);
}
const rows = Number(rowsText ?? 25);
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const hits = new Map<number, number>();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const total = profile.samples.length;

const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const node of profile.nodes) {
  const count = hits.get(node.id) ?? 0;
  if (count === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? url.replace(/^file:\/\//, '').replace(/.*node_modules\//, '~/') : '(native)';
  const short = where.includes('/dist/') ? where.slice(where.indexOf('/dist/') + 1) : where;
  const fn = `${functionName || '(anonymous)'} ${path.basename(short)}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + count);
  byFile.set(short, (byFile.get(short) ?? 0) + count);
}

const top = (map: Map<string, number>): string =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, rows)
    .map(([name, count]) => `${((100 * count) / total).toFixed(1).padStart(5)} %  ${name}`)
    .join('\n');
process.stdout.write(`${total} samples\n\nby function (self)\n${top(byFunction)}\n\nby file (self)\n${top(byFile)}\n`);
