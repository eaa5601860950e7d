/**
 * The README's "Try it without a McAfee estate", run as a new user would, in a temporary clone
 * of the last commit: `npm install && npm start` (the editor's URL, the fabric's files in
 * .node-red-data/tie-fabric/, the showcase's lookup and triage, a taken port refused), `npx
 * --prefix ~/.node-red tie-fabric` from another folder, beside a Node-RED user directory that installed the package (its dxlclient.config,
 * the hashes the README gives, an unseen hash), and `npm test`. `npm run test:readme`; minutes
 * long, so CI runs it apart from `npm test`. Every step is bounded in time.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DxlClient } from '../../src/dxl/client';
import { loadDxlConfig } from '../../src/dxl/config';
import { TieClient } from '../../src/tie/client';
import { computeVerdict } from '../../src/tie/verdict';
import { DebugFeed, clickInject } from '../support/node-red-admin';
import { freePort } from '../../test-kit/ports';

const root = path.resolve(__dirname, '..', '..', '..');
const README = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const MINUTE = 60_000;

/** A command of the README's, run in `cwd`; output collected; its own process group, so it can be stopped as Ctrl-C does. */
class Command {
  output = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
    this.child = spawn(command, args, { cwd, env: { ...process.env, CI: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  async waitFor(text: string | RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const seen = (): boolean => (typeof text === 'string' ? this.output.includes(text) : text.test(this.output));
    while (!seen()) {
      if (this.child.exitCode !== null)
        throw new Error(`exited (${this.child.exitCode}) before printing ${text}:\n${this.output.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`did not print ${text} within ${timeoutMs} ms:\n${this.output.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Resolves with the exit code, or fails after timeoutMs (the process group is then killed). */
  async finished(timeoutMs: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.signal('SIGKILL');
        reject(new Error(`did not finish within ${timeoutMs} ms:\n${this.output.slice(-3000)}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ctrl-C: the signal goes to the whole process group (npm, sh and node). */
  signal(signal: NodeJS.Signals = 'SIGINT'): void {
    if (this.child.pid !== undefined && this.child.exitCode === null) {
      try {
        process.kill(-this.child.pid, signal);
      } catch {
        // Already gone.
      }
    }
  }
}

describe("the README's try-it commands, in a fresh clone", function () {
  this.timeout(15 * MINUTE);
  let work: string;
  let clone: string;
  const running: Command[] = [];
  const run = (command: string, args: string[], cwd: string, env?: Record<string, string>): Command => {
    const started = new Command(command, args, cwd, env);
    running.push(started);
    return started;
  };

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-readme-'));
    clone = path.join(work, 'node-red-contrib-tie');
    execFileSync('git', ['clone', '--quiet', root, clone]);
  });
  after(() => {
    for (const command of running) command.signal('SIGKILL');
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('the README gives these commands', () => {
    for (const text of [
      'npm install && npm start',
      'npm test',
      'npx --prefix ~/.node-red tie-fabric',
      'cd ~/.node-red',
      'npm install node-red-contrib-tie',
      'PORT=1881 npm start',
    ]) {
      assert.ok(README.includes(text), `the README says ${text}`);
    }
  });

  it('npm install: installs without a warning about install scripts (npm start builds)', async () => {
    const install = run('npm', ['install', '--no-audit', '--no-fund'], clone);
    assert.equal(await install.finished(8 * MINUTE), 0, install.output.slice(-3000));
    assert.doesNotMatch(install.output, /node-red-contrib-tie@[^\n]*\(prepare/);
  });

  it('npm start: the fabric, the simulator and Node-RED with the showcase; the lookup and the triage answer; a taken port is refused; Ctrl-C stops it', async () => {
    const port = await freePort();
    // The README's 20 s between events, shortened: what matters here is that every branch runs.
    const start = run('npm', ['start'], clone, { PORT: String(port), TIE_EVENT_INTERVAL: '1' });
    const editorUrl = `http://127.0.0.1:${port}/`;
    await start.waitFor(`Node-RED editor: ${editorUrl}`, 4 * MINUTE);
    assert.match(
      start.output,
      new RegExp(
        `client config: ${path.join(clone, '.node-red-data', 'tie-fabric', 'dxlclient.config').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
      ),
    );
    assert.match(start.output, /Provisioning API \(tie-config > Provisioning\): 127\.0\.0\.1 port \d+, user admin, password \S+/);
    const feed = new DebugFeed(editorUrl);
    try {
      await feed.ready();
      assert.ok(
        README.includes('*look up\nnotepad.exe: trusted*') || README.includes('*look up notepad.exe: trusted*'),
        'the README names the button',
      );
      await clickInject(editorUrl, 'i0058');
      const lookup = await feed.next('lookup result', 0, 30_000);
      assert.match(lookup.msg ?? '', /Known Trusted/);
      assert.match(lookup.msg ?? '', /Global Threat Intelligence \(GTI\)/);
      // Blocked, left alone, reported: every branch the README names.
      for (const branch of ['blocked enterprise-wide', 'trusted: nothing to do', 'reported as suspicious'])
        await feed.next(branch, 0, 60_000);
      assert.match((await feed.next('reported as suspicious', 0)).msg ?? '', /"Sent"/);
      assert.equal(feed.count('TIE errors'), 0);
    } finally {
      feed.close();
    }
    // A second npm start on the same port says so and stops, naming PORT=1881.
    const second = run('npm', ['start'], clone, { PORT: String(port) });
    assert.notEqual(await second.finished(3 * MINUTE), 0);
    assert.match(second.output, new RegExp(`port ${port} \\(the Node-RED editor\\) is already in use`));
    assert.match(second.output, /PORT=1881 npm start/);
    start.signal('SIGINT');
    await start.finished(MINUTE);
    assert.ok(fs.existsSync(path.join(clone, '.node-red-data', 'flows.json')), 'the flows are kept in .node-red-data/');
    assert.ok(
      fs.existsSync(path.join(clone, '.node-red-data', 'tie-fabric', 'tie-simulator-state.json')),
      "the simulator's state is in .node-red-data/tie-fabric/",
    );
  });

  it('npx --prefix ~/.node-red tie-fabric, from another folder, beside a Node-RED user directory: its dxlclient.config under ~/.node-red-contrib-tie/fabric/, the hashes the README gives', async () => {
    const home = path.join(work, 'home');
    const userDir = path.join(home, '.node-red');
    fs.mkdirSync(userDir, { recursive: true });
    // As `npm install node-red-contrib-tie` in ~/.node-red, from this clone rather than the registry.
    const install = run('npm', ['install', '--no-audit', '--no-fund', clone], userDir, { HOME: home });
    assert.equal(await install.finished(5 * MINUTE), 0, install.output.slice(-3000));
    // The README's command, run from a folder that is not the user directory (the shell expands ~).
    const elsewhere = fs.mkdtempSync(path.join(work, 'elsewhere-'));
    const fabric = run('npx', ['--prefix', userDir, 'tie-fabric', '--port', '0'], elsewhere, { HOME: home });
    await fabric.waitFor('Press Ctrl+C to stop.', 2 * MINUTE);
    const configPath = path.join(home, '.node-red-contrib-tie', 'fabric', 'dxlclient.config');
    assert.ok(fabric.output.includes(`Client config: ${configPath}`), fabric.output);
    assert.ok(README.includes('~/.node-red-contrib-tie/fabric/dxlclient.config'));
    const dxl = DxlClient.fromConfig(loadDxlConfig(configPath), { logger: { warn: () => undefined } });
    try {
      await dxl.connect({ timeoutMs: 10_000 });
      const tie = new TieClient(dxl);
      assert.equal(computeVerdict(await tie.getFileReputation('f2c7bb8acc97f92e987a2d4087d021b1')).category, 'trusted', 'notepad.exe');
      assert.equal(computeVerdict(await tie.getFileReputation('44d88612fea8a8f36de82e1278abb02f')).category, 'malicious', 'EICAR');
      const unseen = await tie.getFileReputation(randomBytes(16).toString('hex'));
      assert.ok([50, 0].includes(unseen[1].trustLevel), `GTI Unknown or Not Set, not ${unseen[1].trustLevel}`);
      assert.equal(unseen[3].trustLevel, 0, 'Enterprise Not Set');
    } finally {
      await dxl.close();
      fabric.signal('SIGINT');
      await fabric.finished(MINUTE);
    }
  });

  // .ci/run ran `npm test` in its own fresh clone a step before this one, and says so: not run twice there.
  const suiteRan = process.env.TIE_CLEAN_CLONE_NPM_TEST === 'passed';
  if (!suiteRan) {
    it('npm test: the suite passes', async () => {
      const test = run('npm', ['test'], clone);
      const code = await test.finished(12 * MINUTE);
      assert.equal(code, 0, test.output.slice(-5000));
      assert.match(test.output, /\d+ passing/);
    });
  }
});
