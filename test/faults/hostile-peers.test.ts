/**
 * Hostile DXL peers against a Node-RED flow on the embedded fabric (docs/security.md, rows 5 and 7):
 * a client with a certificate of the fabric's CA tries to take over the TIE service (registering its
 * serviceGuid, an ErrorResponse naming it) and to forge reputation changes. The flow's lookups keep
 * being answered by the simulator, its connection never drops, and a forged change reaches no node:
 * the fabric's default policy drops it, and where a fabric lets it through (an open policy), the
 * tie-config's "TIE events from the TIE service's own clients" drops it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseJsonPayload } from '../../src/dxl/message';
import { openTopicPolicy } from '../../src/fabric';
import { TieTopic } from '../../src/tie/topics';
import type { Reputations } from '../../src/tie/types';
import { issueFabricIdentity } from '../support/fabric-identities';
import { type TestFabric, configNodeFor, startTestFabric } from '../support/node-red-fabric';
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
  sleep,
  statusBecomes,
  statusHistory,
} from '../support/node-red-helper';
import { NOTEPAD, newFile } from '../support/node-red-samples';
import { type OfficialClient, closeOfficialClient, connectOfficialClient, officialEvent } from '../support/official-client';
import { registerUnderGuid, sendErrorNaming } from '../support/official-spoof';
import { SAMPLE_repChangeUnitTest } from '../support/tie-samples';

const CONNECTED = 'node-red:common.status.connected';
const SERVICE_UNAVAILABLE = 0x80000001;
const modules = ['tie-config', 'tie-get-reputation', 'tie-set-reputation', 'tie-reputation-change'].map(ourNode);

/** The flow: a lookup, a write, and two reputation-change nodes on two tie-configs (trusting the TIE service, and anyone). */
function flow(test: TestFabric): [FlowNode[], Record<string, Record<string, string>>] {
  const [trusting, credentials] = configNodeFor(test, 'trusting', { eventSenders: 'tie-services', requestTimeout: 3 });
  const [open, openCredentials] = configNodeFor(test, 'open', {});
  return [
    [
      ...catchAndComplete(['get', 'set']),
      trusting,
      open,
      ...onTab([
        { id: 'get', type: 'tie-get-reputation', connection: 'trusting', subject: 'file', wires: [['out']] },
        {
          id: 'set',
          type: 'tie-set-reputation',
          connection: 'trusting',
          subject: 'file',
          trustLevel: '1',
          trustLevelType: 'num',
          wires: [['set-out']],
        },
        { id: 'changes', type: 'tie-reputation-change', connection: 'trusting', subject: 'file', filter: 'all', wires: [['changes-out']] },
        { id: 'open-changes', type: 'tie-reputation-change', connection: 'open', subject: 'file', filter: 'all', wires: [['open-out']] },
        ...['out', 'set-out', 'changes-out', 'open-out'].map((id) => ({ id, type: 'helper' })),
      ]),
    ],
    { ...credentials, ...openCredentials },
  ];
}

/** The serviceGuid of the TIE simulator, from the fabric's registry. */
async function simulatorGuid(test: TestFabric): Promise<string> {
  const client = await test.client();
  const answer = await client.request('/mcafee/service/dxl/svcregistry/query', JSON.stringify({ serviceType: '/mcafee/service/tie' }));
  const services = (parseJsonPayload(answer.payload) as { services: Record<string, unknown> }).services;
  const [guid] = Object.keys(services);
  assert.ok(guid, 'the simulator is registered');
  return guid;
}

async function lookUpNotepad(): Promise<Reputations> {
  const answer = nextMessage('out', 5000);
  node('get').receive({ payload: NOTEPAD.md5 });
  return (await answer).payload as Reputations;
}

/** Statuses a node showed after it first connected that say it is not connected (a ring: connecting, reconnecting, failed). */
function connectionLosses(ids: string[]): string[] {
  return ids.flatMap((id) => {
    const history = statusHistory(node(id));
    const connectedAt = history.findIndex((status) => status.text === CONNECTED);
    return history.slice(connectedAt + 1).flatMap((status) => (status.shape === 'ring' ? [`${id}: ${String(status.text)}`] : []));
  });
}

for (const policy of ['default', 'open'] as const) {
  describe(`faults: hostile DXL peers against a Node-RED flow (embedded fabric, ${policy} topic policy)`, function () {
    this.timeout(60_000);
    let test: TestFabric;
    let dir: string;
    const peers: OfficialClient[] = [];

    before(async () => {
      test = await startTestFabric(policy === 'open' ? { policy: openTopicPolicy() } : {});
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-hostile-peers-'));
      await helper.startServer();
    });
    after(async () => {
      await Promise.all(peers.splice(0).map(closeOfficialClient));
      await helper.stopServer();
      await test.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(async () => {
      const [nodes, credentials] = flow(test);
      await helper.load(modules, nodes, credentials);
      for (const id of ['get', 'changes', 'open-changes']) await statusBecomes(node(id), { text: CONNECTED }, 10_000);
    });
    afterEach(() => helper.unload());

    const hostilePeer = async (name: string): Promise<OfficialClient> => {
      const identity = issueFabricIdentity(test.fabric, name, dir);
      const peer = await connectOfficialClient(identity, { host: '127.0.0.1', port: test.fabric.port });
      peers.push(peer);
      return peer;
    };

    it('row 5: a peer registering the TIE service under its serviceGuid, or naming it in an ErrorResponse, takes nothing over', async () => {
      const guid = await simulatorGuid(test);
      const hijacker = await hostilePeer(`hijacker-${policy}`);
      const refusal = await registerUnderGuid(hijacker, guid, [TieTopic.GET_FILE_REPUTATION, TieTopic.SET_FILE_REPUTATION]);
      assert.ok(refusal instanceof Error, 'the fabric refuses the registration');
      sendErrorNaming(hijacker, guid, SERVICE_UNAVAILABLE);
      await sleep(300);
      for (let i = 0; i < 6; i++) assert.equal((await lookUpNotepad())[1]?.trustLevel, 99, 'GTI Known Trusted, from the simulator');
      await closeOfficialClient(peers.splice(peers.indexOf(hijacker), 1)[0]);
      assert.equal((await lookUpNotepad())[1]?.trustLevel, 99, 'TIE still there after the hijacker left');
      assert.equal(await simulatorGuid(test), guid, 'the simulator still owns its registration');
      assert.deepEqual(connectionLosses(['get', 'changes', 'open-changes']), [], 'the shared connections never dropped');
    });

    it('row 7: a forged reputation change reaches no node of a tie-config that trusts the TIE service; a real one does', async () => {
      const forger = await hostilePeer(`forger-${policy}`);
      const trusted = collect('changes-out');
      const anyone = collect('open-out');
      for (let i = 0; i < 5; i++)
        officialEvent(forger, TieTopic.FILE_REPUTATION_CHANGE_EVENT, JSON.stringify(SAMPLE_repChangeUnitTest.raw));
      await sleep(1000);
      assert.equal(trusted.length, 0, 'no forged change at the trusting tie-config');
      // Where the fabric's policy drops the forgery, nobody sees it; on an open fabric, only the tie-config's rule stands between.
      assert.equal(anyone.length, policy === 'open' ? 5 : 0);

      // A real change: the simulator announces a write.
      const file = newFile();
      const announced = new Promise<TestMessage>((resolve) => node('changes-out').on('input', resolve));
      node('set').receive({ payload: file.sha256 });
      await nextMessage('set-out', 5000);
      const change = await announced;
      assert.equal((change.payload as { hashes: Record<string, string> }).hashes.sha256, file.sha256);
      assert.equal(trusted.length, 1);
    });
  });
}
