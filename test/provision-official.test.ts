/**
 * The official @opendxl/dxl-client command line against the fabric's management API, run as a
 * child process: `provisionconfig` (its own openssl-made key and CSR) produces a configuration that
 * the official client and ours connect with, `updateconfig` refreshes it, and a wrong password
 * fails. The fabric speaks the real API.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DxlClient } from '../src/dxl/client';
import { loadDxlConfig } from '../src/dxl/config';
import { type ManagementFabric, startManagementFabric } from './support/management-fabric';
import { closeOfficialClient, connectOfficialClientFromConfig, officialRequest, payloadText } from './support/official-client';

const OFFICIAL_CLI = path.join(path.dirname(require.resolve('@opendxl/dxl-client/package.json')), 'bin', 'dxlclient.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runOfficial(args: string[], timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [OFFICIAL_CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`dxlclient ${args[0]} did not finish within ${timeoutMs} ms: ${stdout} ${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the official dxlclient command line against the fabric', function () {
  this.timeout(40_000);
  let test: ManagementFabric;
  let dir: string;

  before(async () => {
    test = await startManagementFabric();
  });
  after(() => test.close());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-official-provision-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function serverArgs(password = test.management.password): string[] {
    return ['-u', test.management.user, '-p', password, '-t', String(test.management.port), '-e', test.fabric.files.caCert];
  }

  it('provisionconfig writes a configuration that the official client and ours connect with', async () => {
    const run = await runOfficial(['provisionconfig', dir, '127.0.0.1', 'official-cli-client', ...serverArgs()]);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['ca-bundle.crt', 'client.crt', 'client.csr', 'client.key', 'dxlclient.config']);

    const cert = new X509Certificate(fs.readFileSync(path.join(dir, 'client.crt')));
    assert.match(cert.subject, /CN=official-cli-client/);
    assert.ok(cert.checkIssued(new X509Certificate(test.caPem)), 'signed by the fabric CA');

    const configFile = path.join(dir, 'dxlclient.config');
    const config = loadDxlConfig(configFile);
    assert.deepEqual(config.brokers, [{ id: test.fabric.brokerId, port: test.fabric.port, hosts: ['127.0.0.1'] }]);

    const official = await connectOfficialClientFromConfig(configFile);
    try {
      const response = await officialRequest(official, '/mcafee/service/dxl/svcregistry/query', '{}');
      assert.ok((JSON.parse(payloadText(response)) as { services?: unknown }).services, 'the fabric answered the official client');
    } finally {
      await closeOfficialClient(official);
    }
    const ours = DxlClient.fromConfig(config, { probeBrokers: false, logger: { warn: () => undefined } });
    try {
      await ours.connect({ timeoutMs: 10_000 });
      assert.equal(ours.connectionState.status, 'connected');
    } finally {
      await ours.close();
    }
  });

  it('updateconfig rewrites the broker list and CA bundle from the fabric', async () => {
    assert.equal((await runOfficial(['provisionconfig', dir, '127.0.0.1', 'to-update', ...serverArgs()])).code, 0);
    const configFile = path.join(dir, 'dxlclient.config');
    const stale = fs.readFileSync(configFile, 'utf8').replace(/^\{[^=]+\}=.*$/m, '{old}={old};1;gone.example');
    fs.writeFileSync(configFile, stale);
    fs.writeFileSync(path.join(dir, 'ca-bundle.crt'), 'stale');

    const run = await runOfficial(['updateconfig', dir, '127.0.0.1', ...serverArgs()]);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.deepEqual(loadDxlConfig(configFile).brokers, [{ id: test.fabric.brokerId, port: test.fabric.port, hosts: ['127.0.0.1'] }]);
    assert.equal(fs.readFileSync(path.join(dir, 'ca-bundle.crt'), 'utf8').trim(), test.caPem.trim());
  });

  it("provisionconfig with a wrong password fails on the fabric's HTTP 401 and writes no certificate", async () => {
    const run = await runOfficial(['provisionconfig', dir, '127.0.0.1', 'refused', ...serverArgs('wrong-password')]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr + run.stdout, /401/);
    assert.ok(!fs.existsSync(path.join(dir, 'client.crt')));
  });
});
