/**
 * A file-based tie-config pointed at what is not a dxlclient.config (a FIFO nothing writes to,
 * /dev/zero, a 100 MB sparse file, a folder, /etc/passwd, /proc/self/environ, random text), or
 * whose PEM path is a FIFO, or whose followed file becomes a FIFO after deploy: Node-RED's event
 * loop never stalls, its memory stays put, the log, the statuses and the Catch node's error name
 * the path and the problem, and nothing the file holds is ever seen.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { formatClientConfig } from '../src/fabric/client-config';
import { formatSize } from '../src/dxl/safe-file';
import { freePort } from '../test-kit/ports';
import { testPki } from '../test-kit/pki-fixture';
import { MARKER, MAX_RSS_GROWTH_BYTES, MAX_STALL_MS, hostileFiles, longestStall, tempDir } from './support/hostile-files';
import {
  type FlowNode,
  type TestMessage,
  caughtError,
  catchAndComplete,
  eventually,
  helper,
  nextMessage,
  node,
  onTab,
  ourNode,
  statusBecomes,
} from './support/node-red-helper';

interface Spy {
  getCalls(): Array<{ args: unknown[] }>;
}

function text(value: unknown): string {
  if (value instanceof Error) return `${value.message} ${value.stack ?? ''}`;
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}

/** The runtime log and every status, log line, warning and error of every node since the flow was loaded. */
function everythingSaid(): string {
  const seen = helper.log().args.map((args) => args.map(text).join(' '));
  const prototype = (helper as unknown as { _NodePrototype: Record<string, Spy> })._NodePrototype;
  for (const method of ['log', 'status', 'warn', 'error', 'debug', 'trace']) {
    for (const call of prototype[method].getCalls()) seen.push(call.args.map(text).join(' '));
  }
  return seen.join('\n');
}

function flow(config: Record<string, unknown>): FlowNode[] {
  return [
    ...catchAndComplete(['get']),
    { id: 'config', type: 'tie-config', name: 'hostile', ...config },
    ...onTab([
      {
        id: 'get',
        type: 'tie-get-reputation',
        connection: 'config',
        subject: 'file',
        input: 'payload',
        inputType: 'msg',
        wires: [['out']],
      },
      { id: 'out', type: 'helper' },
    ]),
  ];
}

describe('tie-config pointed at files that are not what they should be', function () {
  this.timeout(30_000);
  const modules = [ourNode('tie-config'), ourNode('tie-get-reputation')];
  let dir: string;

  before(async () => {
    helper.settings({ tieConfigReconnectDelay: 100, tieConfigReconnectMaxDelay: 300, tieConfigFileCheckInterval: 100 });
    dir = tempDir('tie-hostile-');
    await helper.startServer();
    // Node-RED's first load of our modules is not what is measured.
    await helper.load(modules, flow({ source: 'form', brokers: [] }), {});
    await helper.unload();
  });
  after(async () => {
    await helper.stopServer();
    helper.settings({});
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => helper.unload());

  /** Loads the flow, sends one message, and returns what the Catch node got; the event loop watched throughout. */
  async function deployAndAsk(
    config: Record<string, unknown>,
    credentials: Record<string, string> = {},
  ): Promise<{ caught: TestMessage; stall: number }> {
    let caught: TestMessage | undefined;
    const stall = await longestStall(async () => {
      await helper.load(modules, flow(config), { config: credentials });
      const next = nextMessage('caught', 8000);
      node('get').receive({ payload: 'f2c7bb8acc97f92e987a2d4087d021b1' });
      caught = await next;
      await statusBecomes(node('get'), { fill: 'red', text: 'config error' });
    });
    return { caught: caught!, stall };
  }

  it('as configFile: refused at once by path and problem, never stalling the event loop, nothing of the file seen', async () => {
    const rssBefore = process.memoryUsage().rss;
    for (const hostile of hostileFiles(dir)) {
      const { caught, stall } = await deployAndAsk({ source: 'file', configFile: hostile.file });
      assert.ok(stall < MAX_STALL_MS, `${hostile.name}: the event loop stalled ${stall.toFixed(0)} ms`);
      const error = caughtError(caught);
      assert.equal(error.code, 'DXL_CONFIG', `${hostile.name}: ${error.message}`);
      assert.ok(error.message.includes(hostile.file), `${hostile.name}: the error names the path: ${error.message}`);
      assert.match(error.message, hostile.problem, hostile.name);
      await eventually(() => everythingSaid().includes(`cannot connect: ${hostile.file}`), `${hostile.name}: the log names it`);
      const said = `${everythingSaid()}\n${JSON.stringify(caught)}`;
      for (const secret of hostile.secrets) assert.ok(!said.includes(secret), `${hostile.name}: its content was seen`);
      await helper.unload();
    }
    const growth = process.memoryUsage().rss - rssBefore;
    assert.ok(growth < MAX_RSS_GROWTH_BYTES, `RSS grew ${formatSize(growth)}`);
  });

  it('a PEM path at a FIFO, in the form or in the dxlclient.config: refused by path, never read', async () => {
    const pki = testPki();
    const fifo = path.join(dir, 'key.fifo');
    execFileSync('mkfifo', [fifo]);
    const fromForm = await deployAndAsk({
      source: 'form',
      brokers: [{ host: '127.0.0.1', port: 8883 }],
      tlsSource: 'files',
      caFile: pki.files.caCert,
      certFile: pki.files.clientCert,
      keyFile: fifo,
    });
    assert.ok(fromForm.stall < MAX_STALL_MS, `the event loop stalled ${fromForm.stall.toFixed(0)} ms`);
    assert.match(caughtError(fromForm.caught).message, /Private key file .*key\.fifo: is a FIFO \(named pipe\), not a regular file/);
    await helper.unload();

    const config = path.join(dir, 'names-a-fifo.config');
    fs.writeFileSync(
      config,
      formatClientConfig({
        brokerId: 'b',
        host: '127.0.0.1',
        port: 8883,
        caFile: pki.files.caCert,
        certFile: pki.files.clientCert,
        keyFile: fifo,
      }),
    );
    const fromFile = await deployAndAsk({ source: 'file', configFile: config });
    assert.ok(fromFile.stall < MAX_STALL_MS, `the event loop stalled ${fromFile.stall.toFixed(0)} ms`);
    assert.match(caughtError(fromFile.caught).message, /PrivateKey file .*key\.fifo: is a FIFO \(named pipe\), not a regular file/);
  });

  it('a followed dxlclient.config replaced by a FIFO: a warning names it, the event loop never stalls', async () => {
    const pki = testPki();
    const file = path.join(dir, 'followed.config');
    const port = await freePort();
    fs.writeFileSync(
      file,
      formatClientConfig({
        brokerId: 'b',
        host: '127.0.0.1',
        port,
        caFile: pki.files.caCert,
        certFile: pki.files.clientCert,
        keyFile: pki.files.clientKey,
      }),
    );
    await helper.load(modules, flow({ source: 'file', configFile: file }), {});
    await statusBecomes(node('get'), { text: 'connection refused' }, 10_000);
    const stall = await longestStall(async () => {
      const fifo = path.join(dir, 'followed.fifo');
      execFileSync('mkfifo', [fifo]);
      fs.renameSync(fifo, file);
      await eventually(
        () => /followed\.config changed but cannot be used.*is a FIFO \(named pipe\), not a regular file/.test(everythingSaid()),
        () => `the warning; said: ${everythingSaid()}`,
        10_000,
      );
    });
    assert.ok(stall < MAX_STALL_MS, `the event loop stalled ${stall.toFixed(0)} ms`);
    assert.ok(!everythingSaid().includes(MARKER));
  });
});
