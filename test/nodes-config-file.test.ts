/**
 * A tie-config reading a dxlclient.config follows the file: rewritten to another broker (another
 * fabric, with its own CA and client certificate), lookups and event subscriptions move to the new
 * broker without a redeploy, and the log says why; a rewrite that cannot be used is named and the
 * connection keeps working as it was.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatClientConfig } from '../src/fabric/client-config';
import { TieClient } from '../src/tie/client';
import type { Reputations } from '../src/tie/types';
import { type TestFabric, startTestFabric } from './support/node-red-fabric';
import {
  type FlowNode,
  type TestMessage,
  catchAndComplete,
  collect,
  helper,
  nextMessage,
  node,
  onTab,
  ourNode,
  statusBecomes,
} from './support/node-red-helper';
import { eventually } from './support/eventually';
import { fileTarget } from '../src/tie/hashes';
import { lookupNode } from './support/node-red-request-flow';

const CONNECTED = 'node-red:common.status.connected';
const ENTERPRISE = 3;

/** The fabric's dxlclient.config with absolute certificate paths, to be written anywhere. */
function configText(test: TestFabric): string {
  const { fabric } = test;
  return formatClientConfig({
    brokerId: fabric.brokerId,
    host: fabric.host,
    port: fabric.port,
    caFile: fabric.files.caCert,
    certFile: fabric.files.clientCert,
    keyFile: fabric.files.clientKey,
  });
}

/** What the tie-config warned, by its node.warn. */
function warned(): string {
  const warn = node('config').warn as { getCalls(): Array<{ thisValue: unknown; args: unknown[] }> };
  return warn
    .getCalls()
    .filter((call) => call.thisValue === node('config'))
    .map((call) => String(call.args[0]))
    .join('\n');
}

function logged(): string {
  return helper
    .log()
    .args.map((args) => JSON.stringify(args))
    .join('\n');
}

describe('tie-config reading a dxlclient.config follows the file', function () {
  this.timeout(40_000);
  const modules = [ourNode('tie-config'), ourNode('tie-get-reputation'), ourNode('tie-reputation-change')];
  let first: TestFabric;
  let second: TestFabric;
  let file: string;

  before(async () => {
    helper.settings({ tieConfigReconnectDelay: 100, tieConfigReconnectMaxDelay: 300, tieConfigFileCheckInterval: 100 });
    [first, second] = await Promise.all([startTestFabric(), startTestFabric()]);
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await Promise.all([first?.close(), second?.close()]);
    helper.settings({});
  });
  beforeEach(() => {
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tie-follow-')), 'dxlclient.config');
    fs.writeFileSync(file, configText(first));
  });
  afterEach(() => helper.unload());

  function flow(): FlowNode[] {
    return [
      ...catchAndComplete(['get']),
      { id: 'config', type: 'tie-config', name: 'from a file', source: 'file', configFile: file },
      ...onTab([
        lookupNode(),
        { id: 'changes', type: 'tie-reputation-change', connection: 'config', subject: 'file', wires: [['changed']] },
        { id: 'out', type: 'helper' },
        { id: 'changed', type: 'helper' },
      ]),
    ];
  }

  async function enterpriseTrust(md5: string): Promise<number | undefined> {
    const answer = nextMessage('out', 10_000);
    node('get').receive({ payload: md5 });
    return ((await answer).payload as Reputations)[ENTERPRISE]?.trustLevel;
  }

  it('rewritten to another broker: lookups and event subscriptions move to it without a redeploy, and the log says why', async () => {
    // A file only the second fabric knows as Known Trusted (99); the first has never seen it (Not Set, 0).
    const md5 = randomBytes(16).toString('hex');
    await new TieClient(await second.client()).setReputation(fileTarget({ md5 }), 99, 'moved.exe', 'follow test');
    await helper.load(modules, flow(), {});
    for (const id of ['get', 'changes']) await statusBecomes(node(id), { fill: 'green', text: CONNECTED }, 10_000);
    assert.equal(await enterpriseTrust(md5), 0, 'answered by the first fabric');

    fs.writeFileSync(file, configText(second));
    await eventually(() => logged().includes(`${file} changed: reconnecting`), 'the log says the file changed', 10_000);
    await eventually(() => logged().includes(`connected to 127.0.0.1:${second.fabric.port}`), 'connected to the second fabric', 10_000);
    for (const id of ['get', 'changes']) await statusBecomes(node(id), { fill: 'green', text: CONNECTED }, 10_000);
    assert.equal(await enterpriseTrust(md5), 99, 'answered by the second fabric');

    // The event node's subscription was made again on the new broker.
    const changes: TestMessage[] = collect('changed');
    await new TieClient(await second.client()).setReputation(fileTarget({ md5 }), 1, 'moved.exe', 'follow test');
    await eventually(() => changes.length === 1, 'the reputation change from the second fabric');
    assert.equal(collect('caught').length, 0);
  });

  it('a rewrite that cannot be used is named in a warning, and the connection goes on with what it had', async () => {
    await helper.load(modules, flow(), {});
    await statusBecomes(node('get'), { fill: 'green', text: CONNECTED }, 10_000);
    fs.writeFileSync(file, '[Certs]\nBrokerCertChain=ca.crt\n');
    await eventually(
      () => /changed but cannot be used, the connection keeps the previous settings: .*no brokers/.test(warned()),
      () => `the warning; warned: ${warned()}`,
      10_000,
    );
    assert.equal(await enterpriseTrust('f2c7bb8acc97f92e987a2d4087d021b1'), 0, 'still answered by the first fabric');
    fs.writeFileSync(file, configText(first));
    await eventually(() => logged().includes(`${file} changed: reconnecting`), 'the file usable again', 10_000);
    await statusBecomes(node('get'), { fill: 'green', text: CONNECTED }, 10_000);
  });
});
