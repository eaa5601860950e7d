/**
 * The command lines, as users run them: `tie-fabric` prints its management URL, user, password and
 * CA; `tie-dxl provision` with those writes the files the official provisionconfig writes, which
 * the official client connects with; `tie-dxl update` refreshes them; refusals are clear and
 * never show the password.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDxlConfig } from '../src/dxl/config';
import { closeOfficialClient, connectOfficialClientFromConfig } from './support/official-client';

const TIE_DXL = path.resolve(__dirname, '../src/cli/tie-dxl.js');
const TIE_FABRIC = path.resolve(__dirname, '../src/cli/tie-fabric.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function tieDxl(args: string[], options: { password?: string; stdin?: string } = {}): Promise<Run> {
  const env = { ...process.env };
  delete env.TIE_DXL_PASSWORD;
  if (options.password !== undefined) env.TIE_DXL_PASSWORD = options.password;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TIE_DXL, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(options.stdin ?? '');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tie-dxl ${args.join(' ')} did not finish: ${stdout} ${stderr}`));
    }, 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface PrintedManagement {
  port: string;
  user: string;
  password: string;
  ca: string;
}

async function startTieFabric(dataDir: string): Promise<{ child: ChildProcess; printed: PrintedManagement; logged: () => string }> {
  const env = { ...process.env };
  delete env.TIE_FABRIC_MGMT_PASSWORD;
  const child = spawn(process.execPath, [TIE_FABRIC, '--port', '0', '--no-simulator', '--data-dir', dataDir], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    const match = /Management: +https:\/\/127\.0\.0\.1:(\d+).*\n +user: +(\S+)\n +password: +(\S+)\n +server CA: +(.+)\n/.exec(stdout);
    if (match) return { child, printed: { port: match[1], user: match[2], password: match[3], ca: match[4].trim() }, logged: () => stderr };
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`tie-fabric printed no management lines: ${stdout}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('tie-dxl and tie-fabric command lines', function () {
  this.timeout(60_000);
  let root: string;
  let fabric: ChildProcess;
  let printed: PrintedManagement;
  /** What tie-fabric logged: one line per certificate it signed. */
  let fabricLog: () => string;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-dxl-cli-'));
    ({ child: fabric, printed, logged: fabricLog } = await startTieFabric(path.join(root, 'fabric')));
  });
  after(async () => {
    const exited = new Promise((resolve) => fabric.once('exit', resolve));
    fabric.kill('SIGTERM');
    await exited;
    fs.rmSync(root, { recursive: true, force: true });
  });

  function serverArgs(): string[] {
    return ['-u', printed.user, '-t', printed.port, '-e', printed.ca];
  }

  it('tie-fabric prints a random password and the CA; tie-dxl provision writes the official files, which the official client connects with', async () => {
    assert.equal(printed.user, 'admin');
    assert.match(printed.password, /^[A-Za-z0-9_-]{24}$/);
    assert.equal(printed.ca, path.join(root, 'fabric', 'ca.crt'));

    const dir = path.join(root, 'provisioned');
    const run = await tieDxl(['provision', dir, '127.0.0.1', 'cli-client', ...serverArgs(), '--organization', 'Tests'], {
      password: printed.password,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Provisioned "cli-client" from 127\.0\.0\.1\./);
    assert.ok(!(run.stdout + run.stderr).includes(printed.password));
    assert.deepEqual(fs.readdirSync(dir).sort(), ['ca-bundle.crt', 'client.crt', 'client.csr', 'client.key', 'dxlclient.config']);
    assert.equal(fs.statSync(path.join(dir, 'client.key')).mode & 0o777, 0o600);
    assert.match(
      fs.readFileSync(path.join(dir, 'dxlclient.config'), 'utf8'),
      /^\[General\]\n#UseWebSockets=false\n\n\[Certs\]\nBrokerCertChain=ca-bundle\.crt\nCertFile=client\.crt\nPrivateKey=client\.key\n\n\[Brokers\]\n\{/,
    );

    const official = await connectOfficialClientFromConfig(path.join(dir, 'dxlclient.config'));
    await closeOfficialClient(official);
  });

  it('refuses to overwrite without --force (nothing signed), and replaces the key and certificate with it', async () => {
    const dir = path.join(root, 'twice');
    const first = await tieDxl(['provision', dir, '127.0.0.1', 'first', ...serverArgs()], { password: printed.password });
    assert.equal(first.code, 0, first.stderr);
    const firstKey = fs.readFileSync(path.join(dir, 'client.key'), 'utf8');

    const refused = await tieDxl(['provision', dir, '127.0.0.1', 'second', ...serverArgs()], { password: printed.password });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /already holds .*client\.key.*use --force/);
    assert.equal(fs.readFileSync(path.join(dir, 'client.key'), 'utf8'), firstKey);
    assert.match(fabricLog(), /signed a client certificate for CN=first/);
    assert.doesNotMatch(fabricLog(), /CN=second/, 'nothing was signed for the refused run');

    const forced = await tieDxl(['provision', dir, '127.0.0.1', 'second', ...serverArgs(), '--force'], { password: printed.password });
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(fs.readFileSync(path.join(dir, 'client.key'), 'utf8'), firstKey);
  });

  it('a wrong password fails with PROVISION_UNAUTHORIZED and status 1; a password argument is refused with status 2', async () => {
    const dir = path.join(root, 'refused');
    const wrong = await tieDxl(['provision', dir, '127.0.0.1', 'x', ...serverArgs()], { password: 'Wrong-Password-123' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /HTTP 401.*\[PROVISION_UNAUTHORIZED\]/);
    assert.ok(!wrong.stderr.includes('Wrong-Password-123'));
    assert.ok(!fs.existsSync(path.join(dir, 'client.crt')));

    const argument = await tieDxl(['provision', dir, '127.0.0.1', 'x', ...serverArgs(), '-p', printed.password]);
    assert.equal(argument.code, 2);
    assert.match(argument.stderr, /not taken as an argument/);

    const none = await tieDxl(['provision', dir, '127.0.0.1', 'x', ...serverArgs()]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no password: set \$TIE_DXL_PASSWORD/);
  });

  it('tie-dxl update, with the password on standard input, restores the broker list', async () => {
    const dir = path.join(root, 'update');
    assert.equal((await tieDxl(['provision', dir, '127.0.0.1', 'upd', ...serverArgs()], { password: printed.password })).code, 0);
    const configFile = path.join(dir, 'dxlclient.config');
    const good = loadDxlConfig(configFile).brokers;
    fs.writeFileSync(configFile, fs.readFileSync(configFile, 'utf8').replace(/^\{[^=]+\}=.*$/m, '{old}={old};1;gone.example'));

    const run = await tieDxl(['update', dir, '127.0.0.1', ...serverArgs(), '--password-stdin'], { stdin: `${printed.password}\n` });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /1 broker\(s\), 0 WebSocket broker\(s\)/);
    assert.deepEqual(loadDxlConfig(configFile).brokers, good);
  });
});
