/**
 * `npm run test:matrix`: the Node-RED-facing suites (every test that loads Node-RED), the installed
 * tarball and, where a target says so, the editor's browser test and a new user's first run (the
 * README's install section in Chromium), on each Node-RED major under the Node.js it needs. Options:
 * `--only 3.1,5.0` (targets by Node-RED minor), `--skip editor,installed,suites,first-run`.
 * TIE_MATRIX_CACHE names the folder for the Node.js and Node-RED installs (default `.cache/matrix`
 * in the checkout, git-ignored); keeping it between runs saves their download.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { nodeRedRuntime } from '../../scripts/node-red-runtime';
import { type Installer, nodeBinary, nodeRedDir } from './installs';
import { type MatrixTarget, TARGETS, targetName } from './targets';

const root = path.resolve(__dirname, '..', '..', '..');
const distTest = path.join(root, 'dist', 'test');
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');

type SuiteKind = 'suites' | 'installed' | 'editor' | 'first-run';

interface SuiteResult {
  target: string;
  kind: SuiteKind;
  passed: number;
  failed: number;
  exitCode: number | null;
  seconds: number;
}

function option(name: string): string[] {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? [] : (process.argv[at + 1] ?? '').split(',').filter(Boolean);
}

function npmCliPath(): string {
  const fromNpm = process.env.npm_execpath;
  if (fromNpm && /npm-cli\.js$/.test(fromNpm)) return fromNpm;
  // Beside the node binary, where the official builds and Debian's nodejs put npm.
  for (const candidate of [
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    '/usr/share/nodejs/npm/bin/npm-cli.js',
  ]) {
    if (fs.existsSync(candidate)) return path.resolve(candidate);
  }
  throw new Error('npm-cli.js not found: run the matrix through npm (npm run test:matrix)');
}

/** Every unit test file that loads Node-RED, found by what it imports. */
function nodeRedFacingFiles(): string[] {
  return fs
    .readdirSync(distTest)
    .filter((file) => file.endsWith('.test.js'))
    .map((file) => path.join(distTest, file))
    .filter((file) => /support\/node-red-helper"|node-red-runtime"/.test(fs.readFileSync(file, 'utf8')))
    .sort();
}

function suiteFiles(kind: SuiteKind): { files: string[]; timeoutMs: number } {
  if (kind === 'suites') return { files: nodeRedFacingFiles(), timeoutMs: 20_000 };
  if (kind === 'installed') return { files: [path.join(distTest, 'matrix', 'installed-package.check.js')], timeoutMs: 60_000 };
  if (kind === 'first-run') return { files: [path.join(distTest, 'matrix', 'first-run.check.js')], timeoutMs: 120_000 };
  const editorDir = path.join(distTest, 'editor');
  return {
    files: fs
      .readdirSync(editorDir)
      .filter((f) => f.endsWith('.e2e.js'))
      .map((f) => path.join(editorDir, f)),
    timeoutMs: 60_000,
  };
}

function runMocha(
  binary: string,
  kind: SuiteKind,
  env: NodeJS.ProcessEnv,
): Promise<{ passed: number; failed: number; exitCode: number | null }> {
  const { files, timeoutMs } = suiteFiles(kind);
  const args = [mocha, '--no-config', '--timeout', String(timeoutMs), '--exit', '--reporter', kind === 'suites' ? 'dot' : 'spec', ...files];
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (exitCode) => {
      // Mocha's closing lines: "  N passing (T)" and "  N failing".
      const count = (word: string): number => Number(output.match(new RegExp(`^\\s+(\\d+) ${word}`, 'm'))?.[1] ?? 0);
      resolve({ passed: count('passing'), failed: count('failing'), exitCode });
    });
  });
}

async function packTarball(cacheDir: string, npmCli: string): Promise<string> {
  const packDir = path.join(cacheDir, 'pack');
  fs.rmSync(packDir, { recursive: true, force: true });
  fs.mkdirSync(packDir, { recursive: true });
  // dist/ is built already (npm run test:matrix builds first): no prepare script again.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [npmCli, 'pack', '--ignore-scripts', '--json', '--pack-destination', packDir],
    { cwd: root },
  );
  const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
  if (!packed) throw new Error('npm pack made no tarball');
  return path.join(packDir, path.basename(packed.filename));
}

async function main(): Promise<void> {
  const only = option('only');
  const skip = new Set(option('skip'));
  const targets = TARGETS.filter((target) => only.length === 0 || only.includes(target.nodeRed));
  if (targets.length === 0)
    throw new Error(`--only ${only.join(',')} names no target; the targets are ${TARGETS.map((t) => t.nodeRed).join(', ')}`);
  const cacheDir = path.resolve(process.env.TIE_MATRIX_CACHE ?? path.join(root, '.cache', 'matrix'));
  const installer: Installer = { cacheDir, npmCli: npmCliPath(), log: (line) => process.stdout.write(`matrix: ${line}\n`) };
  const tarball = skip.has('installed') && skip.has('first-run') ? '' : await packTarball(cacheDir, installer.npmCli);
  const checkout = nodeRedRuntime({});

  const results: SuiteResult[] = [];
  for (const target of targets) {
    const binary = target.node === undefined ? process.execPath : await nodeBinary(installer, target.node);
    // The checkout's own Node-RED serves its minor; the others come from the cache.
    const dir = checkout.version.startsWith(`${target.nodeRed}.`) ? checkout.dir : await nodeRedDir(installer, target.nodeRed, binary);
    const nodeVersion = (await promisify(execFile)(binary, ['--version'])).stdout.trim().replace(/^v/, '');
    const name = `${targetName(target, nodeVersion)} (node-red ${nodeRedRuntime({ TIE_NODE_RED_DIR: dir }).version})`;
    for (const kind of kindsOf(target)) {
      if (skip.has(kind)) continue;
      if (kind === 'suites' && dir === checkout.dir && process.env.TIE_CLEAN_CLONE_NPM_TEST === 'passed') {
        process.stdout.write(`\n=== ${name}: suites: npm test ran them on this Node-RED and Node.js already\n`);
        continue;
      }
      process.stdout.write(`\n=== ${name}: ${kind}\n`);
      const started = Date.now();
      const outcome = await runMocha(binary, kind, { TIE_NODE_RED_DIR: dir, TIE_TARBALL: tarball, TIE_NPM_CLI: installer.npmCli });
      results.push({ target: name, kind, ...outcome, seconds: Math.round((Date.now() - started) / 1000) });
    }
  }
  report(results);
  if (results.some((result) => result.exitCode !== 0 || result.failed > 0 || result.passed === 0)) process.exitCode = 1;
}

function kindsOf(target: MatrixTarget): SuiteKind[] {
  return ['suites', 'installed', ...(target.editor ? (['editor'] as const) : []), ...(target.firstRun ? (['first-run'] as const) : [])];
}

function report(results: SuiteResult[]): void {
  process.stdout.write('\n=== matrix summary\n');
  for (const r of results) {
    const verdict = r.exitCode === 0 && r.failed === 0 && r.passed > 0 ? 'ok  ' : 'FAIL';
    process.stdout.write(`${verdict} ${r.target}: ${r.kind}: ${r.passed} passing, ${r.failed} failing, ${r.seconds} s\n`);
  }
  const passed = results.reduce((sum, r) => sum + r.passed, 0);
  const failed = results.reduce((sum, r) => sum + r.failed, 0);
  process.stdout.write(`matrix: ${passed} passed, ${failed} failed\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`test:matrix: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
