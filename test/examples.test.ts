import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TieClient } from '../src/tie/client';
import { type TestFabric, startTestFabric } from './support/node-red-fabric';
import { type FlowNode, type TestMessage, allOurNodes, collect, coreNode, eventually, helper, node } from './support/node-red-helper';

/* Every example flow deploys against the embedded fabric as shipped (connection left empty and
 * filled with the one tie-config, as the editor does on import) and does what its comment says. */

const examplesDir = path.resolve(__dirname, '..', '..', 'examples');
const CONFIG_ID = 'examples-config';
const TAB_ID = 'examples-tab';

/** What the editor does on import: nodes land on the current tab, connections go to the one tie-config. */
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

function example(name: string): FlowNode[] {
  return JSON.parse(fs.readFileSync(path.join(examplesDir, `${name}.json`), 'utf8')) as FlowNode[];
}

const byName = (flow: FlowNode[], name: string): FlowNode => {
  const found = flow.find((n) => n.name === name);
  if (!found) throw new Error(`no node named "${name}"`);
  return found;
};

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

  async function deploy(name: string): Promise<FlowNode[]> {
    const flow = example(name);
    await load(flow);
    // Comment nodes have no runtime.
    for (const n of flow.filter((n) => n.type !== 'comment')) assert.ok(helper.getNode(n.id), `${name}: node ${n.type} "${n.name ?? n.id}" did not start`);
    return flow;
  }

  async function load(flow: FlowNode[]): Promise<void> {
    const imported = asImported(flow);
    const config = imported.at(-1)!;
    config.brokers = [{ host: fabric.fabric.host, port: fabric.fabric.port }];
    await helper.load([...allOurNodes(), ...coreNodes], imported, { [CONFIG_ID]: fabric.credentials });
  }

  const inject = (flow: FlowNode[], name: string): void => node(byName(flow, name).id).receive({});

  it('ships one example per flow node and a showcase, each with an explaining comment', () => {
    const files = fs.readdirSync(examplesDir).filter((file) => file.endsWith('.json'));
    const types = new Set(files.flatMap((file) => example(file.slice(0, -5)).map((n) => n.type)));
    for (const type of ['tie-get-reputation', 'tie-set-reputation', 'tie-set-external-reputation', 'tie-first-references', 'tie-reputation-change', 'tie-detection', 'tie-first-instance']) {
      assert.ok(types.has(type), `no example uses ${type}`);
    }
    for (const file of files) {
      const flow = example(file.slice(0, -5));
      assert.ok(flow.some((n) => n.type === 'comment'), `${file} has no comment`);
      assert.ok(flow.every((n) => n.type !== 'tie-config'), `${file} must not carry its own tie-config`);
      assert.ok(flow.filter((n) => 'connection' in n).every((n) => n.connection === ''), `${file}: connection must be empty`);
    }
    assert.ok(files.includes('showcase-triage.json'));
  });

  for (const [name, injects, outputs] of [
    ['get-reputation', ['notepad.exe (md5)', 'three files', 'a certificate'], ['reputations', 'batch, in input order']],
    ['set-reputation', ['trust notepad.exe'], ['outcome']],
    ['set-external-reputation', ['unknown file: might be malicious', 'notepad.exe: skipped, GTI knows it'], ['outcome']],
    ['first-references', ['notepad.exe'], ['first systems']],
  ] as const) {
    it(`${name}: every inject reaches its debug node, nothing reaches the Catch`, async () => {
      const flow = await deploy(name);
      const received = outputs.map((output) => collect(byName(flow, output).id));
      const errors = collect(byName(flow, 'TIE errors').id);
      for (const button of injects) inject(flow, button);
      const expected = injects.length;
      await eventually(() => received.reduce((sum, list) => sum + list.length, 0) >= expected, `${expected} results`);
      assert.deepEqual(errors, []);
      if (name === 'get-reputation') {
        const [single] = received[0]!;
        assert.ok((single!.payload as Record<string, unknown>)['1'], 'notepad.exe has a GTI reputation (provider 1)');
        const [batch] = received[1]!;
        assert.equal((batch!.payload as unknown[]).length, 3);
      }
      if (name === 'set-external-reputation') {
        const outcomes = received[0]!.map((m) => m.payload).sort();
        assert.deepEqual(outcomes, ['Sent', 'Skipped']);
      }
    });
  }

  it('event examples: changes, detections and first instances reach their debug nodes', async () => {
    const flow = [...example('reputation-change'), ...example('detection'), ...example('first-instance')];
    await load(flow);
    const changes = collect(byName(flow, 'every change').id);
    const debugNamed = (name: string): string => flow.find((n) => n.type === 'debug' && n.name === name)!.id;
    const detections = collect(debugNamed('detections'));
    const firsts = collect(debugNamed('first instances'));
    await new Promise((resolve) => setTimeout(resolve, 300)); // subscriptions made on deploy
    const tie = new TieClient(await fabric.client());
    await tie.setFileReputation(85, { md5: 'f2c7bb8acc97f92e987a2d4087d021b1' }, 'notepad.exe', 'example test');
    await fabric.simulator!.publishDetection();
    await fabric.simulator!.publishFirstInstance();
    await eventually(() => changes.length >= 1 && detections.length >= 1 && firsts.length >= 1, 'one message at each event debug node');
    assert.equal(changes[0]!.topic, '/mcafee/event/tie/file/repchange/broadcast');
  });

  it('showcase: a detection is looked up and acted on; the manual lookup shows the reputations', async () => {
    const flow = await deploy('showcase-triage');
    const outcomes: Record<string, TestMessage[]> = {};
    for (const output of ['blocked enterprise-wide', 'reported as suspicious', 'trusted: nothing to do']) outcomes[output] = collect(byName(flow, output).id);
    const errors = collect(byName(flow, 'TIE errors').id);
    const lookups = collect(byName(flow, 'lookup result').id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const total = (): number => Object.values(outcomes).reduce((sum, list) => sum + list.length, 0);
    // A file the fabric has never seen: whatever TIE says, exactly one branch acts, the one its verdict names.
    await fabric.simulator!.publishDetection({ hashes: { md5: randomBytes(16).toString('hex') }, name: 'invoice.pdf.exe' });
    await eventually(() => total() === 1, () => `one action for the detection; got ${JSON.stringify({ outcomes, errors })}`);
    const [branch, [acted]] = Object.entries(outcomes).find(([, list]) => list.length === 1)! as [string, TestMessage[]];
    const category = (acted!.verdict as { category: string }).category;
    const expectedBranch = category === 'malicious' ? 'blocked enterprise-wide' : category === 'trusted' ? 'trusted: nothing to do' : 'reported as suspicious';
    assert.equal(branch, expectedBranch);
    for (const list of Object.values(outcomes)) list.length = 0;
    await fabric.simulator!.publishDetection({ hashes: { md5: '44d88612fea8a8f36de82e1278abb02f' }, name: 'eicar.com' });
    await eventually(() => outcomes['blocked enterprise-wide']!.length === 1, 'EICAR to be blocked');
    inject(flow, 'look up notepad.exe');
    await eventually(() => lookups.length === 1, 'the manual lookup');
    assert.equal((lookups[0]!.verdict as { category: string }).category, 'trusted');
    assert.deepEqual(errors, []);
  });
});
