/**
 * tie-config: its status as the fabric stops and starts (shared by every node that uses it, with
 * the reason), TLS failures named, a bounded close when the last node leaves, no key material in
 * flow exports or logs, and the dxlclient.config import endpoint.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Reputations } from '../src/tie/types';
import { type TestFabric, configNodeFor, startTestFabric } from './support/node-red-fabric';
import {
  type FlowNode,
  catchAndComplete,
  caughtError,
  connectionOf,
  helper,
  nextMessage,
  node,
  onTab,
  ourNode,
  statusBecomes,
  statusHistory,
  guardedConfigNode,
} from './support/node-red-helper';
import { eventually } from './support/eventually';
import { NOTEPAD } from './support/node-red-samples';
import { testPki } from '../test-kit/pki-fixture';
import { lookupNode } from './support/node-red-request-flow';

const CONNECTED = 'node-red:common.status.connected';

/** Every string the node runtime logged or reported, for leak checks. */
function everythingLogged(): string {
  const texts: string[] = [];
  for (const args of helper.log().args) texts.push(JSON.stringify(args));
  const proto = Object.getPrototypeOf(node('config')) as Record<string, { getCalls?: () => Array<{ args: unknown[] }> }>;
  for (const method of ['warn', 'error', 'log', 'status', 'debug']) {
    for (const call of proto[method]?.getCalls?.() ?? [])
      texts.push(call.args.map((arg) => (arg instanceof Error ? arg.message : JSON.stringify(arg))).join(' '));
  }
  return texts.join('\n');
}

describe('tie-config', function () {
  this.timeout(30000);
  const modules = [ourNode('tie-config'), ourNode('tie-get-reputation'), ourNode('tie-detection')];
  let test: TestFabric;

  before(async () => {
    helper.settings({ tieConfigReconnectDelay: 100, tieConfigReconnectMaxDelay: 300 });
    test = await startTestFabric();
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await test.close();
    helper.settings({});
  });
  afterEach(() => helper.unload());

  function usersOf(configId: string): FlowNode[] {
    return onTab([
      lookupNode({}, configId),
      { id: 'events', type: 'tie-detection', connection: configId, wires: [[]] },
      { id: 'out', type: 'helper' },
    ]);
  }

  describe('status as the fabric stops and starts', () => {
    it('goes connecting → connected → reconnecting with the reason → connected, on every node using it, and requests resume', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-restart-'));
      let fabric = await startTestFabric({ dataDir });
      const port = fabric.fabric.port;
      try {
        const [config, credentials] = configNodeFor(fabric, 'config', { requestTimeout: 10 });
        await helper.load(modules, [...catchAndComplete(['get']), config, ...usersOf('config')], credentials);
        for (const id of ['get', 'events']) await statusBecomes(node(id), { fill: 'green', shape: 'dot', text: CONNECTED });
        assert.ok(
          statusHistory(node('get')).some((s) => s.fill === 'yellow' && s.text === `connecting 127.0.0.1:${port}`),
          'connecting host:port was shown first',
        );

        await fabric.close();
        for (const id of ['get', 'events']) await statusBecomes(node(id), { fill: 'yellow', shape: 'ring', text: 'connection refused' });
        assert.ok(
          statusHistory(node('events')).some((s) => s.text === 'connection lost'),
          'the drop itself was shown',
        );
        assert.equal(connectionOf().state.status, 'reconnecting');

        const output = nextMessage('out', 10000);
        node('get').receive({ payload: NOTEPAD.sha256 });
        // The waiting request shows why it waits, not just that it does.
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(statusHistory(node('get')).at(-1)?.text, 'connection refused');
        assert.ok(
          !statusHistory(node('get')).some((s) => s.text === 'requesting (1): waiting'),
          'no bare "waiting" while the reason is known',
        );

        fabric = await startTestFabric({ dataDir, port });
        for (const id of ['get', 'events']) await statusBecomes(node(id), { fill: 'green', text: CONNECTED }, 10000);
        const msg = await output;
        assert.equal((msg.payload as Reputations)[1]?.trustLevel, 99, 'the request that waited was answered');
        const logged = helper
          .log()
          .args.map((args) => JSON.stringify(args))
          .join('\n');
        assert.match(logged, new RegExp(`connected to 127\\.0\\.0\\.1:${port}`));
      } finally {
        await fabric.close();
      }
    });
  });

  describe('TLS failures, named', () => {
    it('shows "TLS: untrusted CA" when the broker is not signed by the configured CA bundle, and logs the reason once', async () => {
      const [config, credentials] = configNodeFor(test);
      credentials.config.caPem = testPki().otherCa.certPem;
      await helper.load(modules, [...catchAndComplete([]), config, ...usersOf('config')], credentials);
      for (const id of ['get', 'events']) await statusBecomes(node(id), { fill: 'red', shape: 'ring', text: 'TLS: untrusted CA' });
      assert.match(connectionOf().state.reason ?? '', /broker certificate not trusted/);
      await new Promise((resolve) => setTimeout(resolve, 400)); // a few more attempts
      const warnings = (node('config').warn as { getCalls(): Array<{ thisValue: unknown; args: unknown[] }> })
        .getCalls()
        .filter((call) => call.thisValue === node('config') && /not trusted/.test(String(call.args[0])));
      assert.equal(warnings.length, 1, 'one warning per distinct reason');
    });

    it('shows the broker refusing our certificate when it comes from a CA the fabric does not trust', async () => {
      const [config, credentials] = configNodeFor(test);
      credentials.config.certPem = testPki().foreignClient.certPem;
      credentials.config.keyPem = testPki().foreignClient.keyPem;
      await helper.load(modules, [...catchAndComplete([]), config, ...usersOf('config')], credentials);
      for (const id of ['get', 'events']) await statusBecomes(node(id), { fill: 'red', shape: 'ring', text: 'refused by broker' });
      assert.notEqual(connectionOf().state.status, 'connected');
    });
  });

  describe('connection settings', () => {
    async function reputationThrough(config: FlowNode, credentials: Record<string, Record<string, string>>): Promise<Reputations> {
      await helper.load(modules, [...catchAndComplete(['get']), config, ...usersOf(config.id)], credentials);
      const output = nextMessage('out', 8000);
      node('get').receive({ payload: NOTEPAD.md5 });
      return (await output).payload as Reputations;
    }

    it('connects with everything from a dxlclient.config on the server', async () => {
      const reputations = await reputationThrough(
        { id: 'config', type: 'tie-config', source: 'file', configFile: test.fabric.configPath },
        {},
      );
      assert.equal(reputations[1]?.trustLevel, 99);
    });

    it('reads PEM credentials given as ${ENV_VAR}', async () => {
      process.env.TIE_TEST_KEY_PEM = test.credentials.keyPem;
      try {
        const [config, credentials] = configNodeFor(test);
        credentials.config.keyPem = '${TIE_TEST_KEY_PEM}';
        assert.equal((await reputationThrough(config, credentials))[1]?.trustLevel, 99);
      } finally {
        delete process.env.TIE_TEST_KEY_PEM;
      }
    });

    it('connects over secure WebSockets through an HTTP proxy, with the proxy user from the credentials', async () => {
      const wsFabric = await startTestFabric({ webSockets: true });
      const connects: Array<{ target: string; auth: string | undefined }> = [];
      const proxy = http.createServer();
      proxy.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
        connects.push({ target: request.url ?? '', auth: request.headers['proxy-authorization'] });
        const [host, port] = (request.url ?? '').split(':');
        const upstream = net.connect(Number(port), host, () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.write(head);
          upstream.pipe(client);
          client.pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      try {
        const [config, credentials] = configNodeFor(wsFabric, 'config', {
          brokers: [{ host: '127.0.0.1', port: wsFabric.fabric.webSocketPort }],
          transport: 'websockets',
          proxyHost: '127.0.0.1',
          proxyPort: String((proxy.address() as net.AddressInfo).port),
        });
        credentials.config.proxyUser = 'flow';
        credentials.config.proxyPassword = 's3cret';
        assert.equal((await reputationThrough(config, credentials))[1]?.trustLevel, 99);
        assert.equal(connects[0]?.target, `127.0.0.1:${wsFabric.fabric.webSocketPort}`);
        assert.equal(connects[0]?.auth, `Basic ${Buffer.from('flow:s3cret').toString('base64')}`);
      } finally {
        await helper.unload();
        proxy.closeAllConnections();
        proxy.close();
        await wsFabric.close();
      }
    });
  });

  describe('lifecycle', () => {
    it('connects only when a node uses it, and closes within 2 s when the last one is removed', async () => {
      const [config, credentials] = configNodeFor(test);
      await helper.load(modules, [...catchAndComplete([]), config], credentials);
      assert.equal(connectionOf().state.status, 'idle', 'no user, no connection');
      const withUsers = [...catchAndComplete([]), config, ...usersOf('config')];
      await helper.setFlows(withUsers, 'nodes', credentials);
      await eventually(() => connectionOf().state.status === 'connected', 'connected once used');
      const started = Date.now();
      await helper.setFlows([...catchAndComplete([]), config], 'nodes', credentials);
      await eventually(() => connectionOf().state.status === 'closed', 'closed', 2000);
      assert.ok(Date.now() - started < 2000, `closed after ${Date.now() - started} ms`);
      assert.equal(connectionOf().userCount, 0);
    });
  });

  describe('credentials', () => {
    it('keeps TLS material out of the flow export, and declares the key a password', async () => {
      const [config, credentials] = configNodeFor(test);
      await helper.load(modules, [...catchAndComplete([]), config, ...usersOf('config')], credentials);
      await statusBecomes(node('get'), { text: CONNECTED });
      const exported = JSON.stringify(helper._redNodes.getFlows());
      const keyBody = test.credentials.keyPem.split('\n')[1];
      assert.ok(!exported.includes('PRIVATE KEY'), 'no key in the flows');
      assert.ok(!exported.includes(keyBody), 'no key body in the flows');
      assert.ok(!exported.includes('BEGIN CERTIFICATE'), 'no certificate either');
      assert.equal(helper.credentials.getDefinition('tie-config')?.keyPem?.type, 'password');
      assert.equal(helper.credentials.getDefinition('tie-config')?.proxyPassword?.type, 'password');
    });

    it('never writes key material to the log, statuses or errors, even when the key is refused', async () => {
      const [config, credentials] = configNodeFor(test, 'config', { requestTimeout: 0.5 });
      const foreignKey = testPki().foreignClient.keyPem; // does not match the certificate
      credentials.config.keyPem = foreignKey;
      await helper.load(modules, [...catchAndComplete(['get']), config, ...usersOf('config')], credentials);
      await statusBecomes(node('get'), { fill: 'red', text: 'TLS: key mismatch' });
      const caught = nextMessage('caught');
      node('get').receive({ payload: NOTEPAD.md5 });
      const error = caughtError(await caught);
      assert.match(error.code, /^DXL_/);
      const logged = everythingLogged() + error.message;
      for (const pem of [foreignKey, test.credentials.keyPem]) {
        for (const line of pem.split('\n').filter((l) => l.length > 20)) assert.ok(!logged.includes(line), 'a key line leaked');
      }
      assert.ok(!logged.includes('PRIVATE KEY'));
    });
  });

  describe('dxlclient.config import endpoint', () => {
    const permissions: string[] = [];
    const guardedConfig = guardedConfigNode(permissions);

    const CONFIG_TEXT = '[Certs]\nBrokerCertChain=ca.crt\nCertFile=client.crt\nPrivateKey=/etc/passwd\n[Brokers]\n{b}={b};8883;dxl.corp\n';

    it('needs tie-config.write, parses the uploaded text, reads nothing on the server and offers no other route', async () => {
      await helper.load([guardedConfig], [{ id: 'config', type: 'tie-config', brokers: [] }], {});
      // One check per route: import, file-summary (read), provision, update-brokers, diagnostics (read), test.
      assert.deepEqual(permissions, [
        'tie-config.write',
        'tie-config.read',
        'tie-config.write',
        'tie-config.write',
        'tie-config.read',
        'tie-config.write',
      ]);

      const refused = await helper.request().post('/tie-config/import').send({ config: CONFIG_TEXT });
      assert.equal(refused.status, 401);

      const agent = helper.request() as unknown as {
        post(url: string): { set(h: string, v: string): { send(b: unknown): Promise<{ status: number; body: Record<string, unknown> }> } };
      };
      const accepted = await agent
        .post('/tie-config/import')
        .set('x-allowed', '1')
        .send({ config: CONFIG_TEXT, files: { 'ca.crt': test.credentials.caPem } });
      assert.equal(accepted.status, 200);
      assert.deepEqual(accepted.body.brokers, [{ host: 'dxl.corp', port: 8883, id: '{b}' }]);
      assert.deepEqual(accepted.body.missing, ['client.crt', 'passwd']);
      assert.ok(!JSON.stringify(accepted.body).includes('root:'), '/etc/passwd was not read');

      const bad = await agent.post('/tie-config/import').set('x-allowed', '1').send({ config: 'not a config' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.code, 'DXL_CONFIG');

      const routes = (
        helper as unknown as { _httpAdmin: { _router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } } }
      )._httpAdmin._router.stack
        .filter((layer) => layer.route?.path.startsWith('/tie-config'))
        .map((layer) => `${Object.keys(layer.route!.methods).join(',')} ${layer.route!.path}`);
      assert.deepEqual(routes, [
        'post /tie-config/import',
        'post /tie-config/file-summary',
        'post /tie-config/provision',
        'post /tie-config/update-brokers',
        'get /tie-config/:id/diagnostics',
        'post /tie-config/test',
      ]);
    });
  });
});
