/**
 * tie-config's Provision and Update brokers actions through their admin endpoints, on Node-RED
 * with the embedded fabric's management API: a node filled from the Provision answer (as the
 * editor fills it) turns connected with no further edits; the endpoints need tie-config.write,
 * never echo the password, write files only to a folder the user chose, and name failures.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProvisionFormResult, UpdateFormResult } from '../nodes/tie-config/config-provision';
import { type ManagementFabric, MANAGEMENT_PASSWORD, startManagementFabric } from './support/management-fabric';
import { type FlowNode, catchAndComplete, helper, node, onTab, ourNode, statusBecomes, guardedConfigNode } from './support/node-red-helper';

const CONNECTED = 'node-red:common.status.connected';

interface Reply {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

interface Agent {
  post(url: string): { set(header: string, value: string): { send(body: unknown): Promise<Reply> } };
}

describe('tie-config Provision and Update brokers', function () {
  this.timeout(30_000);
  const permissions: string[] = [];
  const guardedConfig = guardedConfigNode(permissions);
  let test: ManagementFabric;

  before(async () => {
    test = await startManagementFabric();
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await test.close();
  });
  afterEach(() => helper.unload());

  function post(url: string, body: unknown, allowed = true): Promise<Reply> {
    const request = (helper.request() as unknown as Agent).post(url);
    return request.set('x-allowed', allowed ? '1' : '').send(body);
  }

  function form(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      host: test.management.host,
      port: test.management.port,
      user: test.management.user,
      password: MANAGEMENT_PASSWORD,
      caPem: test.caPem,
      ...overrides,
    };
  }

  async function loadConfigOnly(): Promise<void> {
    await helper.load([guardedConfig], [{ id: 'config', type: 'tie-config', brokers: [] }], {});
  }

  it('Provision fills a node that connects with no further edits; the answer never holds the password', async () => {
    await loadConfigOnly();
    // Provisioning and every other action that posts settings need write; only the diagnostics are read.
    assert.deepEqual([...new Set(permissions)], ['tie-config.write', 'tie-config.read']);
    const reply = await post('/tie-config/provision', form({ commonName: 'node-red-editor' }));
    assert.equal(reply.status, 200, reply.text);
    assert.ok(!reply.text.includes(MANAGEMENT_PASSWORD), 'the password is not echoed');
    const result = reply.body as unknown as ProvisionFormResult;
    assert.deepEqual(result.brokers, [{ host: '127.0.0.1', port: test.fabric.port, id: test.fabric.brokerId }]);
    assert.equal(result.transport, 'mqtt');
    assert.match(result.keyPem ?? '', /BEGIN PRIVATE KEY/);
    assert.equal(result.files, undefined, 'nothing written on the server');
    await helper.unload();

    // What the editor does with the answer: brokers and transport into the form, PEM into credentials.
    const flow: FlowNode[] = [
      ...catchAndComplete([]),
      { id: 'config', type: 'tie-config', brokers: result.brokers, transport: result.transport, tlsSource: 'credentials' },
      ...onTab([
        { id: 'get', type: 'tie-get-reputation', connection: 'config', subject: 'file', input: 'payload', inputType: 'msg', wires: [[]] },
      ]),
    ];
    await helper.load([ourNode('tie-config'), ourNode('tie-get-reputation')], flow, {
      config: { caPem: result.caPem, certPem: result.certPem, keyPem: result.keyPem! },
    });
    await statusBecomes(node('get'), { fill: 'green', text: CONNECTED }, 10_000);
  });

  it('Provision saves the official file set to a folder the user chose, and refuses one that holds them', async () => {
    await loadConfigOnly();
    const folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tie-node-provision-')), 'dxl');
    try {
      const reply = await post('/tie-config/provision', form({ commonName: 'saved', saveFolder: folder }));
      assert.equal(reply.status, 200, reply.text);
      const result = reply.body as unknown as ProvisionFormResult;
      assert.equal(result.keyPem, undefined, 'the key stays in its file');
      assert.deepEqual(result.files, {
        config: path.join(folder, 'dxlclient.config'),
        caFile: path.join(folder, 'ca-bundle.crt'),
        certFile: path.join(folder, 'client.crt'),
        keyFile: path.join(folder, 'client.key'),
      });
      assert.equal(fs.statSync(result.files.keyFile).mode & 0o777, 0o600);

      const again = await post('/tie-config/provision', form({ commonName: 'saved', saveFolder: folder }));
      assert.equal(again.status, 400);
      assert.equal(again.body.code, 'PROVISION_FILES');
      const relative = await post('/tie-config/provision', form({ commonName: 'saved', saveFolder: 'dxl' }));
      assert.equal(relative.status, 400);
      assert.match(String(relative.body.message), /absolute path/);
    } finally {
      fs.rmSync(path.dirname(folder), { recursive: true, force: true });
    }
  });

  it('Update brokers answers the CA bundle and the broker list', async () => {
    await loadConfigOnly();
    const reply = await post('/tie-config/update-brokers', form());
    assert.equal(reply.status, 200, reply.text);
    const result = reply.body as unknown as UpdateFormResult;
    assert.deepEqual(result.brokers, [{ host: '127.0.0.1', port: test.fabric.port, id: test.fabric.brokerId }]);
    assert.equal(result.caPem.trim(), test.caPem.trim());
    assert.ok(!reply.text.includes(MANAGEMENT_PASSWORD));
  });

  it('needs tie-config.write, and names failures without the password: 401 from the server, untrusted server, bad form', async () => {
    await loadConfigOnly();
    for (const route of ['/tie-config/provision', '/tie-config/update-brokers']) {
      const refused = await post(route, form({ commonName: 'x' }), false);
      assert.equal(refused.status, 401, `${route} is guarded`);
    }

    const wrong = 'Wrong-' + MANAGEMENT_PASSWORD;
    const unauthorized = await post('/tie-config/provision', form({ commonName: 'x', password: wrong }));
    assert.equal(unauthorized.status, 502);
    assert.equal(unauthorized.body.code, 'PROVISION_UNAUTHORIZED');
    assert.match(String(unauthorized.body.message), /HTTP 401/);
    assert.ok(!unauthorized.text.includes(wrong) && !unauthorized.text.includes(MANAGEMENT_PASSWORD));

    const untrusted = await post('/tie-config/update-brokers', form({ caPem: '' }));
    assert.equal(untrusted.status, 502);
    assert.equal(untrusted.body.code, 'PROVISION_UNTRUSTED_SERVER');
    const trusted = await post('/tie-config/update-brokers', form({ caPem: '', trustUnverifiedServer: true }));
    assert.equal(trusted.status, 200, 'trusting the server is an explicit choice that works');

    const noCn = await post('/tie-config/provision', form());
    assert.equal(noCn.status, 400);
    assert.equal(noCn.body.code, 'PROVISION_INVALID_ARGUMENT');
    assert.match(String(noCn.body.message), /common name/);
    const notObject = await post('/tie-config/update-brokers', ['x']);
    assert.equal(notObject.status, 400);
  });
});
