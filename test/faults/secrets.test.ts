/**
 * Secrets: private keys given to tie-config nodes (pasted as credentials, as files, through a
 * dxlclient.config, or by mistake where a certificate or the config file belongs) never appear in
 * flow exports, the admin API, logs, console output, node statuses, warnings, errors or the
 * messages Catch nodes get — whatever goes wrong. And TLS chain verification is on by default:
 * no node property or environment variable turns it off.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testPki } from '../../test-kit/pki-fixture';
import { type TestFabric, configNodeFor, startTestFabric } from '../support/node-red-fabric';
import {
  type FlowNode,
  type TestMessage,
  catchAndComplete,
  collect,
  helper,
  node,
  onTab,
  ourNode,
  sleep,
  statusBecomes,
} from '../support/node-red-helper';
import { eventually } from '../support/eventually';
import { NOTEPAD } from '../support/node-red-samples';
import { recordFigures } from './support/figures';
import { lookupNode } from '../support/node-red-request-flow';

interface Spy {
  getCalls(): Array<{ args: unknown[] }>;
}

/** The pieces of a PEM private key that must never be seen: every body line, and its DER in base64 chunks. */
function keyMaterial(pem: string): string[] {
  const body = pem.split('\n').filter((line) => line.length > 0 && !line.startsWith('-----'));
  const der = body.join('');
  const chunks: string[] = [];
  for (let i = 0; i + 24 <= der.length; i += 97) chunks.push(der.slice(i, i + 24));
  return [...body.filter((line) => line.length >= 16), ...chunks];
}

function text(value: unknown): string {
  if (value instanceof Error) return `${value.message} ${value.stack ?? ''}`;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The runtime log and every status, warning, error and debug line any node produced since the
 * flows were loaded (the test helper's spies, which unload() discards): appended to `seen`.
 */
function everythingNodesSaid(seen: string[]): number {
  let lines = 0;
  for (const args of helper.log().args) {
    seen.push(args.map(text).join(' '));
    lines++;
  }
  const prototype = (helper as unknown as { _NodePrototype: Record<string, Spy> })._NodePrototype;
  for (const method of ['log', 'status', 'warn', 'error', 'debug', 'trace']) {
    for (const call of prototype[method].getCalls()) {
      seen.push(call.args.map(text).join(' '));
      lines++;
    }
  }
  return lines;
}

interface AdminAgent {
  get(url: string): Promise<{ status: number; text: string; body: unknown }>;
  post(url: string): {
    set(header: string, value: string): { send(body: unknown): Promise<{ status: number; text: string; body: unknown }> };
  };
}

describe('faults: secrets', function () {
  this.timeout(90_000);
  const modules = ['tie-config', 'tie-get-reputation', 'tie-detection'].map(ourNode);
  let test: TestFabric;
  let dir: string;
  /** Everything printed to stdout and stderr while the scenarios ran. */
  let printed = '';
  const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };

  before(async () => {
    helper.settings({ tieConfigReconnectDelay: 100, tieConfigReconnectMaxDelay: 300 });
    test = await startTestFabric();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-faults-secrets-'));
    await helper.startServer();
  });
  after(async () => {
    await helper.unload();
    await helper.stopServer();
    helper.settings({});
    await test.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function capturePrinted(): () => void {
    const tap = (original: typeof process.stdout.write) =>
      ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        printed += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof process.stdout.write;
    process.stdout.write = tap(writes.out);
    process.stderr.write = tap(writes.err);
    return () => {
      process.stdout.write = writes.out;
      process.stderr.write = writes.err;
    };
  }

  it('keeps every private key out of exports, the admin API, logs, statuses and errors, through 9 setups that go right and wrong', async () => {
    const pki = testPki();
    const fabricKey = test.credentials.keyPem;
    const foreignKey = pki.foreignClient.keyPem;
    const keyFile = path.join(dir, 'client.key');
    fs.writeFileSync(keyFile, fabricKey, { mode: 0o600 });
    const certFile = path.join(dir, 'client.crt');
    fs.writeFileSync(certFile, test.credentials.certPem);
    const caFile = path.join(dir, 'ca.crt');
    fs.writeFileSync(caFile, test.credentials.caPem);
    const bareBase64Key = path.join(dir, 'key-body.txt');
    fs.writeFileSync(
      bareBase64Key,
      fabricKey
        .split('\n')
        .filter((line) => !line.startsWith('-----'))
        .join('\n'),
    );
    const goodConfigFile = path.join(dir, 'dxlclient.config');
    fs.writeFileSync(
      goodConfigFile,
      `[Certs]\nBrokerCertChain=${caFile}\nCertFile=${certFile}\nPrivateKey=${keyFile}\n[Brokers]\n{b}={b};${test.fabric.port};127.0.0.1\n`,
    );

    const base = configNodeFor(test)[0];
    const good = test.credentials;
    const setups: Array<{ name: string; config: FlowNode; credentials: Record<string, string>; connects: boolean }> = [
      { name: 'key as a credential', config: base, credentials: good, connects: true },
      { name: 'key that does not match', config: base, credentials: { ...good, keyPem: foreignKey }, connects: false },
      { name: 'wrong CA bundle', config: base, credentials: { ...good, caPem: pki.otherCa.certPem }, connects: false },
      {
        name: 'key pasted as the certificate and the certificate as the key',
        config: base,
        credentials: { ...good, certPem: fabricKey, keyPem: good.certPem },
        connects: false,
      },
      { name: 'key pasted as the CA bundle', config: base, credentials: { ...good, caPem: fabricKey }, connects: false },
      { name: 'key in a file', config: { ...base, tlsSource: 'files', caFile, certFile, keyFile }, credentials: {}, connects: true },
      {
        name: 'key through a dxlclient.config',
        config: { ...base, source: 'file', configFile: goodConfigFile },
        credentials: {},
        connects: true,
      },
      {
        name: 'the key file chosen as the dxlclient.config',
        config: { ...base, source: 'file', configFile: keyFile },
        credentials: {},
        connects: false,
      },
      {
        name: 'a bare base64 key chosen as the dxlclient.config',
        config: { ...base, source: 'file', configFile: bareBase64Key },
        credentials: {},
        connects: false,
      },
    ];

    const seen: string[] = [];
    let lines = 0;
    const caughtAll: TestMessage[] = [];
    const restore = capturePrinted();
    try {
      for (const setup of setups) {
        const flow: FlowNode[] = [
          ...catchAndComplete(['get']),
          { ...setup.config, id: 'config', requestTimeout: 1 },
          ...onTab([
            lookupNode(),
            { id: 'events', type: 'tie-detection', connection: 'config', wires: [[]] },
            { id: 'out', type: 'helper' },
          ]),
        ];
        await helper.load(modules, flow, { config: setup.credentials });
        const caught = collect('caught');
        const out = collect('out');
        if (setup.connects) await statusBecomes(node('get'), { fill: 'green' }, 10_000);
        else await statusBecomes(node('get'), { fill: 'red' }, 10_000);
        node('get').receive({ payload: NOTEPAD.md5 });
        await eventually(() => caught.length + out.length >= 1, `${setup.name}: the lookup ended`, 10_000);
        assert.equal(out.length === 1, setup.connects, `${setup.name}: ${setup.connects ? 'answered' : 'refused'}`);
        await sleep(400); // a few retries
        caughtAll.push(...caught);

        // Flow exports, through the runtime and the admin API; the credentials the editor sees.
        const agent = helper.request() as unknown as AdminAgent;
        seen.push(text(helper._redNodes.getFlows()));
        seen.push((await agent.get('/flows')).text);
        seen.push((await agent.get('/credentials/tie-config/config')).text);
        lines += everythingNodesSaid(seen);
        await helper.unload();
      }
      // The import endpoint, fed a key where the dxlclient.config text belongs.
      const agent = helper.request() as unknown as AdminAgent;
      await helper.load(modules, [{ id: 'config', type: 'tie-config', brokers: [] }], {});
      for (const config of [fabricKey, fs.readFileSync(bareBase64Key, 'utf8')]) {
        const response = await agent.post('/tie-config/import').set('content-type', 'application/json').send({ config });
        assert.equal(response.status, 400);
        seen.push(response.text);
      }
      lines += everythingNodesSaid(seen);
      await helper.unload();
    } finally {
      restore();
    }

    for (const msg of caughtAll) seen.push(text(msg.error), text(msg.tieError));
    seen.push(printed);
    const everything = seen.join('\n');

    const leaks: string[] = [];
    for (const [name, pem] of [
      ['fabric client key', fabricKey],
      ['foreign key', foreignKey],
    ] as const) {
      for (const piece of keyMaterial(pem)) {
        const at = everything.indexOf(piece);
        if (at >= 0) leaks.push(`${name}, after ${JSON.stringify(everything.slice(Math.max(0, at - 100), at))}`);
      }
    }
    assert.deepEqual(leaks, [], 'key material leaked');
    assert.ok(caughtAll.length >= 6, `the failing setups reached Catch: ${caughtAll.length}`);
    recordFigures('secrets', {
      setups: setups.length,
      textsSearched: seen.length,
      charactersSearched: everything.length,
      nodeLinesSearched: lines,
      errorsSearched: caughtAll.length,
      keyPiecesLookedFor: keyMaterial(fabricKey).length + keyMaterial(foreignKey).length,
      leaks: leaks.length,
    });
  });

  describe('TLS chain verification is on by default', () => {
    const untrusted = (): Record<string, string> => ({ ...test.credentials, caPem: testPki().otherCa.certPem });

    async function refusedWith(config: FlowNode, credentials: Record<string, string>): Promise<void> {
      await helper.load(
        modules,
        [...catchAndComplete([]), config, ...onTab([{ id: 'events', type: 'tie-detection', connection: 'config', wires: [[]] }])],
        { config: credentials },
      );
      try {
        await statusBecomes(node('events'), { fill: 'red', text: 'TLS: untrusted CA' }, 10_000);
        await sleep(300);
        assert.notEqual((node('config') as unknown as { connection: { state: { status: string } } }).connection.state.status, 'connected');
      } finally {
        await helper.unload();
      }
    }

    it('refuses a broker outside the CA bundle with the default settings, and with host-name checking off', async () => {
      const [config] = configNodeFor(test);
      await refusedWith(config, untrusted());
      await refusedWith({ ...config, checkHostName: false }, untrusted());
    });

    it('ignores properties a flow might carry to turn verification off', async () => {
      const [config] = configNodeFor(test);
      await refusedWith(
        { ...config, rejectUnauthorized: false, tls: { rejectUnauthorized: false }, verifyServerCert: false, insecure: true },
        untrusted(),
      );
    });

    it('keeps verifying when NODE_TLS_REJECT_UNAUTHORIZED=0 is set in the environment', async () => {
      const previous = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      // eslint-disable-next-line @typescript-eslint/unbound-method -- kept only to be put back on process below, never called apart from it
      const warn = process.emitWarning;
      process.emitWarning = () => undefined; // Node warns once about the variable itself
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
      try {
        const [config] = configNodeFor(test);
        await refusedWith(config, untrusted());
      } finally {
        if (previous === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
        else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previous;
        process.emitWarning = warn;
      }
    });

    it('verifies over secure WebSockets too', async () => {
      const ws = await startTestFabric({ webSockets: true, simulator: false });
      try {
        const [config] = configNodeFor(ws, 'config', {
          brokers: [{ host: '127.0.0.1', port: ws.fabric.webSocketPort }],
          transport: 'websockets',
        });
        await refusedWith(config, { ...ws.credentials, caPem: testPki().otherCa.certPem });
      } finally {
        await ws.close();
      }
    });
  });
});
