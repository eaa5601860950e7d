/**
 * `npm start` (scripts/start.ts) refuses a taken port or a user directory held by another
 * instance before it writes anything, naming what is taken and how to choose another; the
 * running instance is untouched (its lookups still answer after a restart of its flows), and two
 * instances with ports and user directories of their own run side by side.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Demo, startDemo } from '../scripts/demo';
import { DebugFeed, clickInject, restartFlows } from './support/node-red-admin';
import { freePort } from '../test-kit/ports';

const root = path.resolve(__dirname, '..', '..');
const START = path.join(root, 'dist', 'scripts', 'start.js');
/** The showcase's manual lookup: inject "look up notepad.exe" into debug "lookup result". */
const LOOKUP_INJECT = 'i0058';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function startScript(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [START], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function finished(child: ChildProcess, timeoutMs: number): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm start did not exit within ${timeoutMs} ms: ${stdout}${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function lookUpNotepad(editorUrl: string): Promise<string> {
  const feed = new DebugFeed(editorUrl);
  try {
    await feed.ready();
    await clickInject(editorUrl, LOOKUP_INJECT);
    return (await feed.next('lookup result', 0)).msg ?? '';
  } finally {
    feed.close();
  }
}

describe('npm start: taken ports and a second instance', function () {
  this.timeout(120_000);
  let first: Demo;
  let fabricPort: number;
  const dirs: string[] = [];
  const log: string[] = [];
  const tempDir = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-start-'));
    dirs.push(dir);
    return dir;
  };

  before(async () => {
    fabricPort = await freePort();
    first = await startDemo({ editorPort: 0, fabricPort, userDir: tempDir(), eventIntervalMs: 0, output: (text) => log.push(text) });
  });
  after(async () => {
    await first?.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a taken editor port at once, naming it and PORT=…, and writes nothing', async () => {
    const config = fs.readFileSync(first.fabric.configPath, 'utf8');
    const unused = path.join(tempDir(), 'never-written');
    const run = await finished(startScript({ PORT: String(first.editorPort), TIE_FABRIC_PORT: '0', TIE_USER_DIR: unused }), 20_000);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, new RegExp(`port ${first.editorPort} \\(the Node-RED editor\\) is already in use`));
    assert.match(run.stderr, /PORT=1881 npm start/);
    assert.ok(!fs.existsSync(unused), 'nothing written');
    assert.equal(fs.readFileSync(first.fabric.configPath, 'utf8'), config);
  });

  it('refuses a taken fabric port, naming it and TIE_FABRIC_PORT', async () => {
    const unused = path.join(tempDir(), 'never-written');
    const run = await finished(
      startScript({ PORT: String(await freePort()), TIE_FABRIC_PORT: String(fabricPort), TIE_USER_DIR: unused }),
      20_000,
    );
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, new RegExp(`port ${fabricPort} \\(the DXL fabric\\) is already in use`));
    assert.match(run.stderr, /TIE_FABRIC_PORT=0 npm start/);
    assert.ok(!fs.existsSync(unused), 'nothing written');
  });

  it('refuses the user directory of a running instance, even on free ports, and leaves its files alone', async () => {
    const config = fs.readFileSync(first.fabric.configPath, 'utf8');
    const flows = fs.readFileSync(path.join(first.userDir, 'flows.json'), 'utf8');
    const run = await finished(startScript({ PORT: String(await freePort()), TIE_FABRIC_PORT: '0', TIE_USER_DIR: first.userDir }), 20_000);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /is in use by another npm start/);
    assert.match(run.stderr, /TIE_USER_DIR=/);
    assert.equal(fs.readFileSync(first.fabric.configPath, 'utf8'), config);
    assert.equal(fs.readFileSync(path.join(first.userDir, 'flows.json'), 'utf8'), flows);
  });

  it("the first instance's lookups still answer after its flows restart (re-reading its dxlclient.config)", async () => {
    await restartFlows(first.editorUrl);
    const shown = await lookUpNotepad(first.editorUrl);
    assert.match(shown, /Known Trusted/);
    assert.doesNotMatch(log.join(''), /connection refused/);
  });

  it('a second instance on its own ports and user directory runs beside the first; both answer', async () => {
    const editorPort = await freePort();
    const child = startScript({ PORT: String(editorPort), TIE_FABRIC_PORT: '0', TIE_USER_DIR: tempDir(), TIE_EVENT_INTERVAL: '0' });
    const exited = finished(child, 110_000);
    try {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const deadline = Date.now() + 60_000;
      while (!output.includes(`Node-RED editor: http://127.0.0.1:${editorPort}/`)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the second instance did not start: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const second = `http://127.0.0.1:${editorPort}/`;
      assert.match(await lookUpNotepad(second), /Known Trusted/);
      assert.match(await lookUpNotepad(first.editorUrl), /Known Trusted/);
    } finally {
      child.kill('SIGTERM');
      const run = await exited;
      assert.equal(run.code, 0, `the second instance stops cleanly on SIGTERM: ${run.stderr}`);
    }
  });
});
