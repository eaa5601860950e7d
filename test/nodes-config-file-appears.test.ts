/**
 * Examples imported and deployed before `tie-fabric` first ran: the tie-config's dxlclient.config
 * is not there yet. Once the fabric starts and writes it, the same deployment connects (no
 * redeploy): the detection example shows the fabric's periodic events and the get-reputation
 * example's lookup answers. The missing file is named with how to make it; a file that appears
 * unusable and is then fixed connects too.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FABRIC_CONFIG_ID } from '../nodes/editor/connection';
import { type TestFabric, startTestFabric } from './support/node-red-fabric';
import {
  type FlowNode,
  type TestMessage,
  allOurNodes,
  caughtError,
  collect,
  coreNode,
  helper,
  node,
  statusBecomes,
} from './support/node-red-helper';
import { eventually } from './support/eventually';

const CONNECTED = 'node-red:common.status.connected';
const examplesDir = path.resolve(__dirname, '..', '..', 'examples');
const TAB_ID = 'examples-tab';
const coreNodes = ['common/20-inject.js', 'common/21-debug.js', 'common/90-comment.js'].map(coreNode);

function example(name: string): FlowNode[] {
  return (JSON.parse(fs.readFileSync(path.join(examplesDir, `${name}.json`), 'utf8')) as FlowNode[]).map((n) => ({ ...n, z: TAB_ID }));
}

const byName = (flow: FlowNode[], name: string): FlowNode => {
  const found = flow.filter((n) => n.name === name);
  assert.equal(found.length, 1, name);
  return found[0];
};

describe('a file-based tie-config deployed before its file exists', function () {
  this.timeout(90_000);
  let dataDir: string;
  let fabric: TestFabric | undefined;

  before(() => helper.startServer());
  after(() => helper.stopServer());
  beforeEach(() => {
    dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tie-appears-')), 'fabric');
  });
  afterEach(async () => {
    await helper.unload();
    await fabric?.close();
    fabric = undefined;
  });

  /** The detection and get-reputation examples, as imported, their tie-config reading `dataDir`'s file; a Catch beside them. */
  async function deployExamples(): Promise<{
    detections: TestMessage[];
    lookup: FlowNode;
    reputations: TestMessage[];
    caught: TestMessage[];
  }> {
    const detection = example('detection');
    const lookups = example('get-reputation');
    const flow: FlowNode[] = [
      { id: TAB_ID, type: 'tab', label: 'examples' },
      ...detection,
      ...lookups,
      { id: FABRIC_CONFIG_ID, type: 'tie-config', name: 'tie-fabric', source: 'file', configFile: path.join(dataDir, 'dxlclient.config') },
    ];
    await helper.load([...allOurNodes(), ...coreNodes], flow, {});
    return {
      detections: collect(detection.find((n) => n.type === 'debug')!.id),
      lookup: byName(lookups, 'notepad.exe (md5): trusted'),
      reputations: collect(byName(lookups, 'reputations').id),
      caught: collect(byName(lookups, 'TIE errors').id),
    };
  }

  it('connects when tie-fabric writes the file: the detection example shows events and the lookup answers, with no redeploy', async () => {
    const { detections, lookup, reputations, caught } = await deployExamples();
    const detectionNode = example('detection').find((n) => n.type === 'tie-detection')!.id;
    const getNode = byName(example('get-reputation'), 'file reputation').id;
    await statusBecomes(node(detectionNode), { fill: 'red', text: 'config error' });
    await statusBecomes(node(getNode), { fill: 'red', text: 'config error' });
    await eventually(() => caught.length > 0, 'the configuration error, caught');
    const error = caughtError(caught[0]);
    assert.equal(error.code, 'DXL_CONFIG');
    assert.match(error.message, /dxlclient\.config: file not found: start the embedded fabric \(npx --prefix ~\/\.node-red tie-fabric/);
    assert.match(error.message, /import a dxlclient\.config/);

    const started = Date.now();
    fabric = await startTestFabric({ dataDir, periodicEventsMs: 1000 });
    await statusBecomes(node(getNode), { fill: 'green', text: CONNECTED }, 60_000);
    await eventually(() => detections.length > 0, 'a detection event from the fabric', 60_000 - (Date.now() - started));
    assert.ok(Date.now() - started < 60_000, 'within 60 s of the fabric starting');
    node(lookup.id).receive({});
    await eventually(() => reputations.length === 1, 'the lookup answered', 10_000);
    assert.equal((reputations[0].verdict as { category: string }).category, 'trusted');
    assert.equal(caught.length, 1, 'only the configuration error at deploy reached the Catch node');
  });

  it('a file that appears unusable and is then fixed connects, its event node subscribed', async () => {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'dxlclient.config');
    helper.settings({ tieConfigFileCheckInterval: 100 });
    try {
      const { detections } = await deployExamples();
      const detectionNode = example('detection').find((n) => n.type === 'tie-detection')!.id;
      fs.writeFileSync(file, '[Certs]\nBrokerCertChain=ca.crt\n');
      await eventually(
        () => helper.log().args.some((args) => /changed: connecting with what it says now/.test(JSON.stringify(args))),
        'the log says the file is tried',
      );
      await statusBecomes(node(detectionNode), { fill: 'red', text: 'config error' });
      fabric = await startTestFabric({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'tie-appears-other-')), periodicEventsMs: 500 });
      fs.copyFileSync(fabric.fabric.configPath, file);
      for (const pem of ['caCert', 'clientCert', 'clientKey'] as const) {
        fs.copyFileSync(fabric.fabric.files[pem], path.join(dataDir, path.basename(fabric.fabric.files[pem])));
      }
      await statusBecomes(node(detectionNode), { fill: 'green' }, 20_000);
      await eventually(() => detections.length > 0, 'a detection event', 20_000);
    } finally {
      helper.settings({});
    }
  });
});
