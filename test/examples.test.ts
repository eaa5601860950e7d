import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FABRIC_CONFIG_FILE, FABRIC_CONFIG_ID } from '../nodes/editor/connection';
import { defaultDataDir } from '../src/fabric/fabric';
import { TieClient } from '../src/tie/client';
import { type TestFabric, startTestFabric } from './support/node-red-fabric';
import { type FlowNode, type TestMessage, allOurNodes, collect, coreNode, helper, node, sleep } from './support/node-red-helper';
import { eventually } from './support/eventually';
import { fileTarget } from '../src/tie/hashes';

/* Every example flow deploys against the embedded fabric as shipped (its connection naming the
 * tie-config the editor makes on import, FABRIC_CONFIG_ID, here pointed at the test fabric), and every inject gives what its
 * label says, whatever ran before: all examples run twice, in two different orders, on one
 * simulator whose state each of them changes. */

const examplesDir = path.resolve(__dirname, '..', '..', 'examples');
const CONFIG_ID = FABRIC_CONFIG_ID;
const TAB_ID = 'examples-tab';

/** What the editor does on import: nodes land on the current tab, connections go to the tie-config it makes. */
function asImported(flow: FlowNode[]): FlowNode[] {
  const config: FlowNode = { id: CONFIG_ID, type: 'tie-config' };
  const nodes = flow.map((n) => ({ ...n, z: TAB_ID, ...('connection' in n ? { connection: CONFIG_ID } : {}) }));
  return [{ id: TAB_ID, type: 'tab', label: 'examples' }, ...nodes, config];
}

const coreNodes = [
  'common/20-inject.js',
  'common/21-debug.js',
  'common/25-catch.js',
  'common/90-comment.js',
  'function/10-switch.js',
  'function/15-change.js',
].map(coreNode);

const EXAMPLES = fs
  .readdirSync(examplesDir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length))
  .sort();

function example(name: string): FlowNode[] {
  return JSON.parse(fs.readFileSync(path.join(examplesDir, `${name}.json`), 'utf8')) as FlowNode[];
}

const byName = (flow: FlowNode[], name: string, type?: string): FlowNode => {
  const found = flow.filter((n) => n.name === name && (type === undefined || n.type === type));
  if (found.length !== 1) throw new Error(`${found.length} nodes named "${name}"`);
  return found[0];
};

type Verdict = { category: string; trustLevel: number };
const category = (msg: TestMessage): string => (msg.verdict as Verdict).category;

/** What an inject's label promises: how many messages reach which debug nodes, and what they hold. */
interface Promise_ {
  at: Record<string, number>;
  check?: (received: Record<string, TestMessage[]>) => void;
}

const PROMISES: Record<string, Record<string, Promise_>> = {
  'get-reputation': {
    'notepad.exe (md5): trusted': {
      at: { reputations: 1, verdict: 1 },
      check: ({ reputations, verdict }) => {
        const [msg] = reputations;
        assert.equal(category(msg), 'trusted');
        // The verdict debug node shows msg.verdict: its name in the first properties, read in the sidebar's preview line without a click.
        const flow = example('get-reputation');
        assert.equal(byName(flow, 'verdict', 'debug').complete, 'verdict');
        assert.ok(
          Object.keys(verdict[0].verdict as object)
            .slice(0, 3)
            .includes('trustLevelName'),
        );
        assert.equal((msg.payload as Record<string, { trustLevel: number }>)['1'].trustLevel, 99, 'GTI Known Trusted');
      },
    },
    'three files: trusted, malicious, unknown': {
      at: { 'batch, in input order': 1 },
      check: (received) => {
        const [msg] = received['batch, in input order'];
        assert.deepEqual(
          (msg.verdict as Verdict[]).map((v) => v.category),
          ['trusted', 'malicious', 'unknown'],
        );
      },
    },
    'a certificate: trusted': {
      at: { reputations: 1, verdict: 1 },
      check: ({ reputations }) => assert.equal(category(reputations[0]), 'trusted'),
    },
  },
  'set-reputation': {
    'buildtool.exe: Known Trusted, "Succeeded"': {
      at: { outcome: 1 },
      check: ({ outcome }) => assert.equal(outcome[0].payload, 'Succeeded'),
    },
  },
  'set-external-reputation': {
    'invoice.pdf.exe: no verdict yet, "Sent"': { at: { outcome: 1 }, check: ({ outcome }) => assert.equal(outcome[0].payload, 'Sent') },
    'notepad.exe: GTI knows it, "Skipped"': {
      at: { outcome: 1 },
      check: ({ outcome }) => {
        assert.equal(outcome[0].payload, 'Skipped');
        assert.match(
          (outcome[0].outcome as { reason: string }).reason,
          /^Global Threat Intelligence \(GTI\) already has a definitive reputation/,
        );
      },
    },
  },
  'guarded-write': {
    'notepad.exe: Known Malicious, refused (TIE_PROTECTED)': {
      at: { refused: 1 },
      check: ({ refused }) => {
        const error = refused[0].tieError as { code: string; protectedBy: Array<{ providerId: number; trustLevel: number }> };
        assert.equal(error.code, 'TIE_PROTECTED');
        assert.deepEqual(
          error.protectedBy.map((p) => [p.providerId, p.trustLevel]),
          [[1, 99]],
        );
      },
    },
    'dropper.exe: Known Malicious, sent and verified': {
      at: { outcome: 1 },
      check: ({ outcome }) => {
        assert.equal(outcome[0].payload, 'Succeeded');
        assert.equal((outcome[0].outcome as { verified: boolean }).verified, true);
      },
    },
    'a dry run: what would be sent, nothing sent': {
      at: { 'dry run': 1 },
      check: (received) => {
        const [msg] = received['dry run'];
        assert.equal(msg.payload, 'Dry run');
        const wouldSend = (msg.outcome as { wouldSend: { topic: string; payload: string } }).wouldSend;
        assert.equal(wouldSend.topic, '/mcafee/service/tie/file/reputation/set');
        assert.equal((JSON.parse(wouldSend.payload) as { trustLevel: number }).trustLevel, 15);
      },
    },
  },
  'first-references': {
    'notepad.exe: 3 first systems': {
      at: { 'first systems': 1 },
      check: (received) => assert.equal(received['first systems'][0].count, 3),
    },
  },
  'reputation-change': {
    'rollout.exe: trusted, then malicious': {
      at: { 'every change': 2, 'now malicious': 1 },
      check: (received) => {
        assert.deepEqual(received['every change'].map(category), ['trusted', 'malicious']);
        assert.equal((received['now malicious'][0].previousVerdict as Verdict).category, 'trusted');
      },
    },
  },
  'showcase-triage': {
    'look up notepad.exe: trusted': {
      at: { 'lookup result': 1 },
      check: (received) => assert.equal(category(received['lookup result'][0]), 'trusted'),
    },
  },
  detection: {},
  'first-instance': {},
  'dxl-request': {
    'hello Ada: a greeting': {
      at: { answer: 1 },
      check: ({ answer }) => assert.deepEqual(answer[0].payload, { greeting: 'Hello, Ada!' }),
    },
    'no name: an error response, at Catch': {
      at: { 'error responses': 1 },
      check: (received) => {
        const error = received['error responses'][0].tieError as { code: string; fabricCode: number; errorMessage: string };
        assert.equal(error.code, 'DXL_ERROR_RESPONSE');
        assert.equal(error.fabricCode, 400);
        assert.match(error.errorMessage, /^a name is needed/);
      },
    },
  },
  'dxl-service': {},
  'dxl-event-out': {
    'an alert: the event comes back': {
      at: { 'events received': 1 },
      check: (received) => {
        const [event] = received['events received'];
        assert.equal(event.topic, '/example/event/alert');
        assert.deepEqual(event.payload, { severity: 'high', host: 'pc-17' });
      },
    },
  },
  'dxl-event-in': {},
  status: {
    'diagnostics now': {
      at: { diagnostics: 1 },
      check: ({ diagnostics }) => {
        const payload = diagnostics[0].payload as { state: { status: string }; dxl?: { requests: { answered: number } } };
        assert.equal(payload.state.status, 'connected');
        assert.equal(typeof payload.dxl?.requests.answered, 'number');
      },
    },
  },
};

/** Examples that work with another one deployed beside them, as their comments say. */
const COMPANIONS: Record<string, string[]> = { 'dxl-request': ['dxl-service'] };

const withCompanions = (name: string): FlowNode[] => [name, ...(COMPANIONS[name] ?? [])].flatMap(example);

describe('example flows', function () {
  this.timeout(30_000);
  let fabric: TestFabric;

  before(async () => {
    fabric = await startTestFabric();
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await fabric?.close();
  });
  afterEach(() => helper.unload());

  async function deploy(flow: FlowNode[]): Promise<void> {
    const imported = asImported(flow);
    const config = imported.at(-1)!;
    config.brokers = [{ host: fabric.fabric.host, port: fabric.fabric.port }];
    await helper.load([...allOurNodes(), ...coreNodes], imported, { [CONFIG_ID]: fabric.credentials });
    // Comment nodes have no runtime.
    for (const n of flow.filter((n) => n.type !== 'comment'))
      assert.ok(helper.getNode(n.id), `node ${n.type} "${n.name ?? n.id}" did not start`);
    // Event nodes subscribe on deploy.
    await sleep(300);
  }

  /** Collects every debug node's messages by name; `reset` empties them. */
  function debugNodes(flow: FlowNode[]): { received: Record<string, TestMessage[]>; reset: () => void } {
    const received: Record<string, TestMessage[]> = {};
    for (const debug of flow.filter((n) => n.type === 'debug')) received[debug.name as string] = collect(debug.id);
    return { received, reset: () => Object.values(received).forEach((list) => (list.length = 0)) };
  }

  const total = (received: Record<string, TestMessage[]>): number => Object.values(received).reduce((sum, list) => sum + list.length, 0);

  it('ships one example per flow node and a showcase, each with an explaining comment and a promise for every inject', () => {
    const types = new Set(EXAMPLES.flatMap((name) => example(name).map((n) => n.type)));
    for (const type of [
      'tie-dxl-request',
      'tie-dxl-event-in',
      'tie-dxl-event-out',
      'tie-dxl-service',
      'tie-dxl-response',
      'tie-get-reputation',
      'tie-set-reputation',
      'tie-set-external-reputation',
      'tie-first-references',
      'tie-reputation-change',
      'tie-detection',
      'tie-first-instance',
      'tie-status',
    ]) {
      assert.ok(types.has(type), `no example uses ${type}`);
    }
    assert.ok(EXAMPLES.includes('showcase-triage'));
    assert.deepEqual(Object.keys(PROMISES).sort(), EXAMPLES, 'every example, and only those, has its promises here');
    for (const name of EXAMPLES) {
      const flow = example(name);
      assert.ok(
        flow.some((n) => n.type === 'comment'),
        `${name} has no comment`,
      );
      assert.ok(
        flow.every((n) => n.type !== 'tie-config'),
        `${name} must not carry its own tie-config`,
      );
      assert.ok(
        flow.filter((n) => 'connection' in n).every((n) => n.connection === FABRIC_CONFIG_ID),
        `${name}: every connection names ${FABRIC_CONFIG_ID}, the tie-config the editor makes on import (nodes/editor/connection.ts)`,
      );
      const info = flow.find((n) => n.type === 'comment')?.info as string;
      assert.match(info, /Needs: the DXL fabric\. Beside your own Node-RED, start it with `npx --prefix ~\/\.node-red tie-fabric`/, name);
      assert.ok(info.includes(FABRIC_CONFIG_FILE), `${name}: its info names ${FABRIC_CONFIG_FILE}`);
      const injects = flow.filter((n) => n.type === 'inject').map((n) => n.name as string);
      assert.deepEqual(injects.sort(), Object.keys(PROMISES[name]).sort(), `${name}: inject labels`);
    }
  });

  it("the examples' tie-config reads the dxlclient.config tie-fabric writes by default", () => {
    assert.match(FABRIC_CONFIG_FILE, /^~\//);
    assert.equal(path.join(os.homedir(), FABRIC_CONFIG_FILE.slice(2)), path.join(defaultDataDir(), 'dxlclient.config'));
  });

  /** Presses every inject of the example and checks what its label promises. */
  async function pressEveryInject(name: string, flow: FlowNode[]): Promise<void> {
    const { received, reset } = debugNodes(flow);
    for (const inject of flow.filter((n) => n.type === 'inject')) {
      const promise = PROMISES[name][inject.name as string];
      reset();
      node(inject.id).receive({});
      const expected = Object.values(promise.at).reduce((sum, count) => sum + count, 0);
      await eventually(
        () => total(received) >= expected,
        () => `"${inject.name}": ${expected} messages; got ${JSON.stringify(received).slice(0, 800)}`,
      );
      await sleep(200);
      for (const [debug, count] of Object.entries({ ...Object.fromEntries(Object.keys(received).map((k) => [k, 0])), ...promise.at })) {
        assert.equal(
          received[debug].length,
          count,
          `"${inject.name}": messages at "${debug}": ${JSON.stringify(received[debug]).slice(0, 600)}`,
        );
      }
      promise.check?.(received);
    }
  }

  /** The examples without injects, and the showcase's detections: events from the simulator. */
  async function publishEvents(name: string, flow: FlowNode[]): Promise<void> {
    const simulator = fabric.simulator!;
    const { received, reset } = debugNodes(flow);
    if (name === 'detection' || name === 'first-instance') {
      await (name === 'detection' ? simulator.publishDetection() : simulator.publishFirstInstance());
      await eventually(() => total(received) === 1, `one ${name} event`);
      return;
    }
    if (name === 'dxl-event-in') {
      const dxl = await fabric.client();
      await dxl.sendEvent('/example/event/disk', { severity: 'low' });
      await dxl.sendEvent('/example/event/login/failed', { severity: 'high', user: 'ada' });
      await eventually(() => total(received) === 1, 'the high severity event');
      await sleep(200);
      assert.equal(total(received), 1, 'only the high severity event');
      assert.equal(received['high severity events'][0].topic, '/example/event/login/failed');
      return;
    }
    if (name === 'dxl-service') {
      const dxl = await fabric.client();
      const answer = await dxl.request('/example/service/greeting/hello', { name: 'Grace' });
      assert.deepEqual(JSON.parse(answer.payload.toString('utf8')), { greeting: 'Hello, Grace!' });
      await assert.rejects(dxl.request('/example/service/greeting/hello', {}), { code: 'DXL_ERROR_RESPONSE', fabricCode: 400 });
      return;
    }
    if (name !== 'showcase-triage') return;
    const cases: Array<[Parameters<typeof simulator.publishDetection>[0], string, unknown]> = [
      [{ hashes: { md5: randomBytes(16).toString('hex') }, name: 'new.exe' }, 'reported as suspicious', 'Sent'],
      [{ hashes: { md5: '44d88612fea8a8f36de82e1278abb02f' }, name: 'eicar.com' }, 'blocked enterprise-wide', 'Succeeded'],
      [{ hashes: { md5: 'f2c7bb8acc97f92e987a2d4087d021b1' }, name: 'notepad.exe' }, 'trusted: nothing to do', undefined],
    ];
    for (const [detection, branch, payload] of cases) {
      reset();
      await simulator.publishDetection(detection);
      await eventually(
        () => received[branch].length === 1,
        () => `${detection?.name} → "${branch}"; got ${JSON.stringify(received).slice(0, 800)}`,
      );
      await sleep(200);
      assert.equal(total(received), 1, `only "${branch}" acts on ${detection?.name}`);
      if (payload !== undefined) assert.equal(received[branch][0].payload, payload);
    }
  }

  const orders = [EXAMPLES, [...EXAMPLES].reverse()];
  orders.forEach((order, pass) => {
    describe(`pass ${pass + 1}: ${order.join(', ')}`, () => {
      for (const name of order) {
        it(`${name}: every inject gives what its label says; nothing reaches a Catch node`, async () => {
          const flow = withCompanions(name);
          await deploy(flow);
          await pressEveryInject(name, flow);
          await publishEvents(name, flow);
        });
      }
    });
  });

  it('the event examples together: a reputation change, a detection and a first instance each reach their debug node', async () => {
    const flow = [...example('reputation-change'), ...example('detection'), ...example('first-instance')];
    await deploy(flow);
    const { received } = debugNodes(flow);
    const tie = new TieClient(await fabric.client());
    // A file of this test's own: the examples' files are theirs alone.
    await tie.setReputation(fileTarget({ md5: randomBytes(16).toString('hex') }), 85, 'together.exe', 'example test');
    await fabric.simulator!.publishDetection();
    await fabric.simulator!.publishFirstInstance();
    await eventually(
      () => received['every change'].length >= 1 && received.detections.length >= 1 && received['first instances'].length >= 1,
      'one message at each event debug node',
    );
    assert.equal(received['every change'][0].topic, '/mcafee/event/tie/file/repchange/broadcast');
  });
});

describe("the showcase on the simulator's periodic events", function () {
  this.timeout(60_000);
  /** npm start's default is 20 s; the promise is for 5 s: every branch within 3 minutes, i.e. 36 events. */
  const EVENTS_IN_3_MINUTES_AT_5_S = (3 * 60) / 5;
  let fabric: TestFabric;

  before(async () => {
    // The order of the events is what matters, not their pace: a short interval keeps the test short.
    fabric = await startTestFabric({ periodicEventsMs: 150 });
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await fabric?.close();
  });
  afterEach(() => helper.unload());

  it(`every branch of the triage runs within ${EVENTS_IN_3_MINUTES_AT_5_S} events (3 minutes at a 5 s interval)`, async () => {
    const tie = new TieClient(await fabric.client());
    let events = 0;
    await tie.onFileDetection(() => events++);
    await tie.onFileFirstInstance(() => events++);
    const flow = example('showcase-triage');
    const imported = asImported(flow);
    imported.at(-1)!.brokers = [{ host: fabric.fabric.host, port: fabric.fabric.port }];
    await helper.load([...allOurNodes(), ...coreNodes], imported, { [CONFIG_ID]: fabric.credentials });
    const branches = ['blocked enterprise-wide', 'trusted: nothing to do', 'reported as suspicious'];
    /** The number of events published when the branch first ran: at most that many were needed. */
    const firstRun: Record<string, number> = {};
    const start = events;
    for (const branch of branches) node(byName(flow, branch, 'debug').id).on('input', () => (firstRun[branch] ??= events - start));
    const errors = collect(byName(flow, 'TIE errors', 'debug').id);
    await eventually(
      () => Object.keys(firstRun).length === branches.length,
      () => `every branch; ran ${JSON.stringify(firstRun)} after ${events - start} events`,
      30_000,
    );
    for (const branch of branches) {
      assert.ok(firstRun[branch] <= EVENTS_IN_3_MINUTES_AT_5_S, `"${branch}" first ran after ${firstRun[branch]} events`);
    }
    assert.deepEqual(errors, []);
  });
});
