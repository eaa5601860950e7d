/**
 * What a user reads after installing the package points at files the package holds: every relative link of
 * the README and of the docs it ships, and every docs/ file an example's comment names, is in the list of
 * files `npm pack` puts in the tarball.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/** The files of the tarball, as `npm pack --dry-run` lists them (the build is not run again). */
function packedFiles(): Set<string> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const output = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  const [pack] = JSON.parse(output) as Array<{ files: Array<{ path: string }> }>;
  return new Set((pack?.files ?? []).map((file) => file.path));
}

/** The relative targets of a Markdown file's links and images, resolved from its folder, without anchors. */
function markdownTargets(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const targets: string[] = [];
  for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1] ?? '';
    if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
    const withoutAnchor = target.split('#')[0] ?? '';
    targets.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), withoutAnchor)));
  }
  return targets;
}

describe('the installed package holds what its README, docs and examples point at', function () {
  this.timeout(60_000);
  let files: Set<string>;
  before(() => {
    files = packedFiles();
  });

  it('every relative link of the README and of each shipped docs page', () => {
    const pages = ['README.md', ...[...files].filter((file) => file.startsWith('docs/') && file.endsWith('.md'))];
    assert.ok(pages.length > 5, 'the docs are shipped');
    const missing = pages.flatMap((page) => markdownTargets(page).map((target) => ({ page, target })));
    const broken = missing.filter(({ target }) => !files.has(target) && ![...files].some((file) => file.startsWith(`${target}/`)));
    assert.deepEqual(broken, []);
  });

  it('every docs/ file named by an example', () => {
    const examples = [...files].filter((file) => file.startsWith('examples/') && file.endsWith('.json'));
    assert.ok(examples.length > 0);
    const named = examples.flatMap((example) =>
      [...fs.readFileSync(path.join(root, example), 'utf8').matchAll(/docs\/[\w./-]+\.(?:md|png)/g)].map((m) => ({ example, file: m[0] })),
    );
    assert.deepEqual(
      named.filter(({ file }) => !files.has(file)),
      [],
    );
  });
});
