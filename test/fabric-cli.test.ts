import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DxlClient } from '../src/dxl/client';
import { loadDxlConfig } from '../src/dxl/config';
import { TieClient } from '../src/tie/client';
import { closeOfficialClient, connectOfficialClientFromConfig, officialRequest, payloadText } from './support/official-client';

const CLI = path.resolve(__dirname, '../src/cli/tie-fabric.js');

interface RunningCli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function runCli(args: string[]): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function printedConfigPath(cli: RunningCli, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /^Client config: (.+)$/m.exec(cli.stdout());
    if (match) return match[1].trim();
    if (cli.child.exitCode !== null) throw new Error(`tie-fabric exited early: ${cli.stderr()}`);
    if (Date.now() > deadline) throw new Error(`tie-fabric printed no config path: ${cli.stdout()} ${cli.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function exitWithin(cli: RunningCli, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const outcome = await Promise.race([cli.exited, timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    cli.child.kill('SIGKILL');
    assert.fail(`tie-fabric did not exit within ${timeoutMs} ms`);
  }
  return outcome;
}

describe('tie-fabric command', function () {
  this.timeout(40_000);
  let dataDir: string;
  let cli: RunningCli | undefined;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-fabric-cli-'));
  });
  afterEach(() => {
    if (cli && cli.child.exitCode === null) cli.child.kill('SIGKILL');
    cli = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  for (const [signal, simulatorArgs, expectedServices] of [
    ['SIGINT', [], ['/mcafee/service/tie']],
    ['SIGTERM', ['--no-simulator'], []],
  ] as const) {
    it(`prints a config the official client connects with, and stops cleanly on ${signal}`, async () => {
      cli = runCli(['--port', '0', '--data-dir', dataDir, ...simulatorArgs]);
      const configPath = await printedConfigPath(cli);
      assert.equal(configPath, path.join(dataDir, 'dxlclient.config'));

      const client = await connectOfficialClientFromConfig(configPath);
      try {
        const response = await officialRequest(client, '/mcafee/service/dxl/svcregistry/query', '{}');
        const { services } = JSON.parse(payloadText(response)) as { services: Record<string, { serviceType: string }> };
        assert.deepEqual(
          Object.values(services).map((service) => service.serviceType),
          expectedServices,
        );
      } finally {
        await closeOfficialClient(client);
      }

      cli.child.kill(signal);
      assert.equal(await exitWithin(cli, 10_000), 0);
      assert.match(cli.stdout(), new RegExp(`Stopping \\(${signal}\\)`));
    });
  }

  it("sends the simulator's periodic events at --event-interval, in TIE's wire shape, and says so", async () => {
    cli = runCli(['--port', '0', '--no-mgmt', '--data-dir', dataDir, '--event-interval', '0.5']);
    const client = DxlClient.fromConfig(loadDxlConfig(await printedConfigPath(cli)));
    try {
      assert.match(cli.stdout(), /TIE simulator: on, a detection or first-instance event every 0.5 s/);
      const raw: unknown[] = [];
      const received: string[] = [];
      await client.subscribe('/mcafee/event/tie/file/detection', (message) => raw.push(JSON.parse(message.payload.toString('utf8'))));
      const tie = new TieClient(client);
      await tie.onFileDetection((event) => received.push(`detection ${event.name}`));
      await tie.onFileFirstInstance((event) => received.push(`first instance ${event.name}`));
      const deadline = Date.now() + 10_000;
      while (!(received.some((r) => r.startsWith('detection')) && received.some((r) => r.startsWith('first instance')))) {
        if (Date.now() > deadline) assert.fail(`no detection and first instance within 10 s: ${JSON.stringify(received)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // On the wire, hashes are a list of {type, value} with base64 values (docs/fabric.md).
      const [first] = raw as Array<{ hashes: Array<{ type: string; value: string }>; agentGuid: string; detectionTime: number }>;
      assert.ok(Array.isArray(first.hashes) && first.hashes.length > 0, JSON.stringify(first));
      for (const hash of first.hashes) assert.match(hash.value, /^[A-Za-z0-9+/]+=*$/, JSON.stringify(hash));
      assert.equal(typeof first.detectionTime, 'number');
    } finally {
      await client.close();
    }
  });

  it('sends no periodic events with --event-interval 0, and refuses an interval that is not a number', async () => {
    cli = runCli(['--port', '0', '--no-mgmt', '--data-dir', dataDir, '--event-interval', '0']);
    await printedConfigPath(cli);
    assert.match(cli.stdout(), /TIE simulator: on, no periodic events/);
    cli.child.kill('SIGTERM');
    await exitWithin(cli, 10_000);
    cli = runCli(['--event-interval', 'often']);
    assert.equal(await exitWithin(cli, 10_000), 2);
    assert.match(cli.stderr(), /--event-interval must be a number of seconds/);
  });

  it('explains a bad option and exits with status 2', async () => {
    cli = runCli(['--port', 'eighty']);
    assert.equal(await exitWithin(cli, 10_000), 2);
    assert.match(cli.stderr(), /--port must be a port number/);
    assert.match(cli.stderr(), /Usage: tie-fabric/);
  });

  it('takes a topic policy file with --policy and says so, and refuses one it cannot read without quoting it', async () => {
    const policyFile = path.join(dataDir, 'topicauth.policy');
    fs.writeFileSync(
      policyFile,
      `// only this client sends on /cli/restricted\n{"send": [{"topic": "/cli/restricted", "clients": ["${'a'.repeat(40)}"]}]}\n`,
    );
    cli = runCli(['--port', '0', '--no-mgmt', '--no-simulator', '--data-dir', dataDir, '--policy', policyFile]);
    await printedConfigPath(cli);
    assert.ok(cli.stdout().includes(`Topic policy:  ${policyFile} (1 send and 0 receive rules)`), cli.stdout());
    cli.child.kill('SIGTERM');
    await exitWithin(cli, 10_000);

    fs.writeFileSync(policyFile, '{"send": [secret-content]}');
    cli = runCli(['--port', '0', '--no-mgmt', '--data-dir', dataDir, '--policy', policyFile]);
    assert.equal(await exitWithin(cli, 10_000), 1);
    assert.match(cli.stderr(), /^tie-fabric: FABRIC_POLICY_INVALID: topic policy .*topicauth\.policy: the policy is not JSON/);
    assert.doesNotMatch(cli.stderr(), /secret-content/);
    cli = runCli(['--help']);
    await exitWithin(cli, 10_000);
    assert.match(cli.stdout(), /--policy <file>/);
  });
});
