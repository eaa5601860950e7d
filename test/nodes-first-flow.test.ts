/**
 * The first flow a SOC engineer builds, every node as the palette gives it (its defaults taken from
 * the editor modules themselves): inject (a hash) → tie-get-reputation → switch on msg.verdict →
 * tie-set-reputation (Known Malicious) writes the looked-up file, and a later lookup shows the
 * Enterprise reputation. The lookup leaves the hashes in msg.hashes; a msg holding a lookup's
 * answer where no hashes can be found is refused with what to do.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as getEditor from '../nodes/tie-get-reputation/editor';
import * as setEditor from '../nodes/tie-set-reputation/editor';
import * as externalEditor from '../nodes/tie-set-external-reputation/editor';
import * as referencesEditor from '../nodes/tie-first-references/editor';
import type { Dollar, EditorRED, NodeTypeDefinition } from '../nodes/editor/red';
import type { Reputations } from '../src/tie/types';
import { editorNode, fakeDollar, fakeRed } from './editor-unit/fake-editor';
import { type TestFabric, configNodeFor, startTestFabric } from './support/node-red-fabric';
import {
  type FlowNode,
  type TestMessage,
  catchAndComplete,
  caughtError,
  collect,
  coreNode,
  helper,
  nextMessage,
  node,
  onTab,
  ourNode,
} from './support/node-red-helper';
import { eventually } from './support/eventually';

const ENTERPRISE = 3;
const KNOWN_MALICIOUS = 1;

/** A node as the palette gives it: the editor module's defaults, then what the user set. */
function palette(
  module: { definition(RED: EditorRED, $: Dollar): NodeTypeDefinition },
  type: string,
  properties: Record<string, unknown>,
): FlowNode {
  const made = editorNode(type, module.definition(fakeRed(type), fakeDollar().$));
  const node: FlowNode = { id: properties.id as string, type };
  for (const [key, value] of Object.entries(made)) if (key !== '_' && key !== 'id' && key !== 'type') node[key] = value;
  return Object.assign(node, properties);
}

describe('the first flow, as the palette gives it', function () {
  this.timeout(30_000);
  let test: TestFabric;
  const modules = [
    ourNode('tie-config'),
    ourNode('tie-get-reputation'),
    ourNode('tie-set-reputation'),
    ourNode('tie-set-external-reputation'),
    ourNode('tie-first-references'),
    coreNode('common/20-inject.js'),
    coreNode('function/10-switch.js'),
  ];

  before(async () => {
    test = await startTestFabric();
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await test?.close();
  });
  afterEach(() => helper.unload());

  async function deploy(nodes: FlowNode[]): Promise<void> {
    const [config, credentials] = configNodeFor(test);
    await helper.load(modules, [...catchAndComplete([]), config, ...onTab(nodes)], credentials);
  }

  it('inject → get → switch on the verdict → set (Known Malicious) writes the looked-up file; a later lookup shows it', async () => {
    const md5 = randomBytes(16).toString('hex');
    await deploy([
      { id: 'inject', type: 'inject', props: [{ p: 'payload' }], payload: md5, payloadType: 'str', wires: [['get']] },
      palette(getEditor, 'tie-get-reputation', { id: 'get', connection: 'config', wires: [['switch', 'looked']] }),
      {
        id: 'switch',
        type: 'switch',
        property: 'verdict.category',
        propertyType: 'msg',
        rules: [{ t: 'neq', v: 'trusted', vt: 'str' }],
        checkall: 'true',
        outputs: 1,
        wires: [['set']],
      },
      palette(setEditor, 'tie-set-reputation', {
        id: 'set',
        connection: 'config',
        trustLevel: String(KNOWN_MALICIOUS),
        trustLevelType: 'tie-level',
        wires: [['written']],
      }),
      palette(getEditor, 'tie-get-reputation', { id: 'later', connection: 'config', wires: [['again']] }),
      { id: 'looked', type: 'helper' },
      { id: 'written', type: 'helper' },
      { id: 'again', type: 'helper' },
    ]);
    const looked = nextMessage('looked', 10_000);
    const written = nextMessage('written', 10_000);
    node('inject').receive({});
    const lookup = await looked;
    assert.deepEqual(lookup.hashes, { md5 }, 'the lookup leaves what it looked up in msg.hashes');
    assert.notEqual((lookup.verdict as { category: string }).category, 'trusted');
    await written;
    assert.deepEqual(collect('caught'), [], 'nothing reached the Catch node');

    const again = nextMessage('again', 10_000);
    node('later').receive({ payload: md5 });
    const reputations = (await again).payload as Reputations;
    assert.equal(reputations[ENTERPRISE]?.trustLevel, KNOWN_MALICIOUS, 'the Enterprise reputation written by the first flow');
  });

  it('a batch lookup hands its hashes to the next node in order; set External and first references read them too', async () => {
    const files = [randomBytes(16).toString('hex'), randomBytes(20).toString('hex')];
    await deploy([
      palette(getEditor, 'tie-get-reputation', { id: 'get', connection: 'config', wires: [['external', 'references']] }),
      palette(externalEditor, 'tie-set-external-reputation', {
        id: 'external',
        connection: 'config',
        trustLevel: '30',
        trustLevelType: 'tie-level',
        wires: [['reported']],
      }),
      palette(referencesEditor, 'tie-first-references', { id: 'references', connection: 'config', wires: [['referenced']] }),
      { id: 'reported', type: 'helper' },
      { id: 'referenced', type: 'helper' },
    ]);
    const reported = nextMessage('reported', 10_000);
    const referenced = nextMessage('referenced', 10_000);
    node('get').receive({ payload: files });
    const report = await reported;
    assert.deepEqual(report.hashes, [{ md5: files[0] }, { sha1: files[1] }]);
    assert.equal((report.payload as unknown[]).length, 2);
    assert.equal((await referenced).hashes !== undefined, true);
    assert.deepEqual(collect('caught'), []);
  });

  it("a lookup's answer without msg.hashes, or read from another property, is refused with what to do", async () => {
    await deploy([
      palette(setEditor, 'tie-set-reputation', {
        id: 'set',
        connection: 'config',
        trustLevel: '1',
        trustLevelType: 'tie-level',
        wires: [[]],
      }),
      palette(setEditor, 'tie-set-reputation', {
        id: 'other',
        connection: 'config',
        input: 'answer',
        trustLevel: '1',
        trustLevelType: 'tie-level',
        wires: [[]],
      }),
    ]);
    const answer = { '1': { providerId: 1, trustLevel: 50, createDate: 0, attributes: {} } };
    const caught: TestMessage[] = collect('caught');
    node('set').receive({ payload: answer });
    node('other').receive({ answer, hashes: { md5: '0'.repeat(32) } });
    await eventually(() => caught.length === 2, 'two refusals');
    const messages = caught.map((msg) => caughtError(msg));
    for (const error of messages) assert.equal(error.code, 'TIE_INVALID_INPUT');
    assert.match(messages[0].message, /msg\.payload holds a lookup's reputations, not hashes: msg\.hashes, where a lookup leaves/);
    assert.match(messages[1].message, /msg\.answer holds a lookup's reputations, not hashes: .*Set Hashes to msg\.hashes/);
  });
});
