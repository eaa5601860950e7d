/**
 * Every property of every node, declared once (nodes/<type>/properties.ts): the editor's defaults
 * hold each at the value a new node gets, and on the same odd inputs the editor's validator (the
 * node's editor definition) and the runtime (what the node does with the property when the flow
 * starts) give the same verdict, for every number, choice and flag. A `${NAME}` setting goes through
 * Node-RED's own substitution of environment variables first, in the runtime only, as when a flow
 * starts. TypedInputs, texts and the connection are read per message or where they are used: the
 * table holds their defaults.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeTypes } from '../scripts/editor-build';
import { buildClientOptions, buildTieOptions, brokersFromSettings } from '../nodes/tie-config/client-options';
import { provisionForEditor } from '../nodes/tie-config/config-provision';
import type { EditorNode, NodeTypeDefinition } from '../nodes/editor/red';
import { type Properties, type Property, initialTyped, initialValue } from '../nodes/kit/properties';
import { ProvisionError, ProvisionErrorCode } from '../src/provision/errors';
import { testPki } from '../test-kit/pki-fixture';
import { editorNode, fakeDollar, fakeRed, root } from './editor-unit/fake-editor';
import { type FlowNode, type RunningNode, helper, node, ourNode } from './support/node-red-helper';

// Node-RED's substitution of `${NAME}` in node properties when a flow starts (@node-red/runtime).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const flowUtil = require('@node-red/runtime/lib/flows/util') as {
  mapEnvVarProperties(obj: Record<string, unknown>, prop: string, flow: undefined, config: Record<string, unknown>): void;
};

const ENV_NAME = 'TIE_SETTINGS_TABLE_VALUE';
const ENV_VALUE = '25';

/** The odd inputs every number meets. */
const NUMBER_INPUTS: readonly unknown[] = [
  '0x22B3',
  '1e2',
  ' 8883 ',
  '',
  '-1',
  '70000',
  '8883.0',
  '2.5',
  null,
  8883,
  2.5,
  0,
  20,
  'abc',
  `\${${ENV_NAME}}`,
];

/** A choice meets its values, one with spaces around, a number, and what it does not list. */
function choiceInputs(values: readonly string[]): unknown[] {
  return [...values, ` ${values[0]} `, '', null, 'bogus', 3, true, values.join(',')];
}

const FLAG_INPUTS: readonly unknown[] = [true, false, 'true', 1, 0, null, '', 'yes'];

type Verdict = 'accepted' | 'refused';

/** Node-RED's runtime view of one setting: the value after its substitution of environment variables. */
function asStarted(value: unknown): unknown {
  const holder: Record<string, unknown> = { value };
  flowUtil.mapEnvVarProperties(holder, 'value', undefined, holder);
  return holder.value;
}

// ---- the nodes: their declarations and editors, found by the package's node list

interface EditorModule {
  definition(RED: ReturnType<typeof fakeRed>, $: ReturnType<typeof fakeDollar>['$']): NodeTypeDefinition;
}

interface NodeFolder {
  properties: Properties;
  editor: EditorModule;
}

function folderOf(type: string): NodeFolder {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a node's compiled folder, by its type
  const { PROPERTIES } = require(path.join(root, 'dist', 'nodes', type, 'properties.js')) as { PROPERTIES: Properties };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a node's compiled folder, by its type
  return { properties: PROPERTIES, editor: require(path.join(root, 'dist', 'nodes', type, 'editor.js')) as EditorModule };
}

const TYPES = nodeTypes(root);
const FOLDERS = new Map(TYPES.map((type) => [type, folderOf(type)]));

// ---- the editor's side: the node's definition, as the editor page gets it

function editorDefinition(type: string): NodeTypeDefinition {
  return FOLDERS.get(type)!.editor.definition(fakeRed(type), fakeDollar().$);
}

function editorVerdict(type: string, property: string, value: unknown, context: Record<string, unknown>): Verdict {
  const definition = editorDefinition(type);
  const validate = definition.defaults[property]?.validate;
  assert.ok(validate, `${type}.${property} has a validator`);
  const self: EditorNode = editorNode(type, definition, { ...context, [property]: value });
  // Node-RED calls a validator with (value, options): withMessage's two-parameter validators.
  const judge = validate as (this: EditorNode, value: unknown, options: unknown) => boolean | string;
  return judge.call(self, value, {}) === true ? 'accepted' : 'refused';
}

// ---- the runtime's side

const pki = testPki();
const credentials = { caPem: pki.ca.certPem, certPem: pki.client.certPem, keyPem: pki.client.keyPem };
const broker = { host: '127.0.0.1', port: 8883 };

function verdictOf(run: () => unknown): Verdict {
  try {
    run();
    return 'accepted';
  } catch {
    return 'refused';
  }
}

/**
 * A folder that already holds a dxlclient.config: provisioning that gets past the form's fields stops
 * there with PROVISION_FILES, before any connection is tried.
 */
const occupiedFolder = ((): string => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-settings-table-'));
  fs.writeFileSync(path.join(folder, 'dxlclient.config'), '');
  return folder;
})();

async function provisionPortVerdict(value: unknown): Promise<Verdict> {
  const code = await provisionForEditor({
    host: '127.0.0.1',
    port: asStarted(value),
    user: 'u',
    password: 'p',
    commonName: 'settings-table',
    saveFolder: occupiedFolder,
  }).then(
    () => undefined,
    (error: unknown) => (error instanceof ProvisionError ? error.code : undefined),
  );
  if (code === ProvisionErrorCode.InvalidArgument) return 'refused';
  if (code === ProvisionErrorCode.Files) return 'accepted';
  throw new Error(`provisioning with the port ended in neither a refused field nor the occupied folder (${String(code)})`);
}

/** A flow node started in Node-RED with the setting: refused when it warns that it ignores it. */
async function flowNodeVerdict(type: string, property: string, value: unknown, extra: Record<string, unknown>): Promise<Verdict> {
  const flow: FlowNode[] = [
    { id: 'n1', type, z: 'tab1', [property]: value, ...extra, wires: [[]] },
    { id: 'tab1', type: 'tab' },
  ];
  await helper.load([ourNode(type)], flow);
  try {
    const running: RunningNode = node('n1');
    const warn = (Object.getPrototypeOf(running) as { warn: { getCalls(): Array<{ thisValue: unknown; args: unknown[] }> } }).warn;
    const ignored = warn.getCalls().some((call) => call.thisValue === running && /is ignored|invalidSetting/.test(String(call.args[0])));
    return ignored ? 'refused' : 'accepted';
  } finally {
    await helper.unload();
  }
}

type Judge = (value: unknown) => Verdict | Promise<Verdict>;

/** A dxlclient.config with its PEM files beside it, for a tie-config reading its connection from a file. */
const followed = ((): { configFile: string; caFile: string; certFile: string; keyFile: string } => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-settings-table-config-'));
  const file = (name: string, text: string): string => {
    fs.writeFileSync(path.join(folder, name), text);
    return path.join(folder, name);
  };
  const caFile = file('ca.pem', pki.ca.certPem);
  const certFile = file('client.pem', pki.client.certPem);
  const keyFile = file('client.key', pki.client.keyPem);
  const configFile = file(
    'dxlclient.config',
    `[Certs]\nBrokerCertChain=${caFile}\nCertFile=${certFile}\nPrivateKey=${keyFile}\n\n[Brokers]\nb1=b1;8883;127.0.0.1;127.0.0.1\n`,
  );
  return { configFile, caFile, certFile, keyFile };
})();

/** What the tie-config's runtime makes of a property: the DXL client's options, the TIE client's, or provisioning. */
function tieConfigJudge(name: string): Judge | undefined {
  const client =
    (context: Record<string, unknown> = {}): Judge =>
    (value) =>
      verdictOf(() => buildClientOptions({ brokers: [broker], ...context, [name]: asStarted(value) }, credentials));
  const tie =
    (context: Record<string, unknown> = {}): Judge =>
    (value) =>
      verdictOf(() => buildTieOptions({ ...context, [name]: asStarted(value) }));
  switch (name) {
    case 'source':
      return client({ configFile: followed.configFile });
    case 'tlsSource':
      return client({ caFile: followed.caFile, certFile: followed.certFile, keyFile: followed.keyFile });
    case 'proxyPort':
      return client(TIE_CONFIG_CONTEXT.proxyPort);
    case 'transport':
    case 'checkHostName':
    case 'protocolVersion':
    case 'requestTimeout':
    case 'keepalive':
    case 'maxMessageKb':
    case 'connectWait':
      return client();
    case 'cache':
    case 'eventSenders':
    case 'writeDryRun':
    case 'writeRate':
      return tie();
    case 'cacheTtl':
    case 'writeBurst':
    case 'writeQueue':
      return tie(TIE_CONFIG_CONTEXT[name]);
    case 'provisionPort':
      return provisionPortVerdict;
    default:
      return undefined;
  }
}

/** The other properties under which a property counts (its `when`), or a node needs to start. */
const TIE_CONFIG_CONTEXT: Readonly<Record<string, Record<string, unknown>>> = {
  proxyPort: { transport: 'websockets', proxyHost: 'proxy.example' },
  cacheTtl: { cache: true },
  writeBurst: { writeRate: 10 },
  writeQueue: { writeRate: 10 },
};
const FLOW_NODE_CONTEXT: Readonly<Record<string, Record<string, unknown>>> = {
  'tie-dxl-request': { topic: '/a/b' },
  'tie-dxl-event-in': { topic: '/a/b' },
  'tie-dxl-service': { topics: '/a/b' },
  'tie-set-reputation': { verify: true },
  'tie-set-external-reputation': { verify: true },
};

/** Properties only the form keeps: the dialog sends them with each provisioning action, the runtime never reads them stored. */
const FORM_ONLY: ReadonlySet<string> = new Set(['tie-config.provisionTrustUnverified']);

interface Row {
  id: string;
  inputs: readonly unknown[];
  editor: Judge;
  runtime: Judge;
}

function inputsOf(property: Property): readonly unknown[] | undefined {
  switch (property.kind) {
    case 'number':
      return NUMBER_INPUTS;
    case 'choice':
      return choiceInputs(property.values);
    case 'flag':
      return FLAG_INPUTS;
    default:
      return undefined;
  }
}

/** A row for every number, choice and flag of every node, but those only the form keeps. */
function rows(): Row[] {
  const out: Row[] = [];
  for (const [type, { properties }] of FOLDERS) {
    for (const [name, property] of Object.entries(properties)) {
      const inputs = inputsOf(property);
      const id = `${type}.${name}`;
      if (inputs === undefined || FORM_ONLY.has(id)) continue;
      // The context a property needs, without the property itself.
      const context = { ...(type === 'tie-config' ? TIE_CONFIG_CONTEXT[name] : FLOW_NODE_CONTEXT[type]) };
      delete context[name];
      const runtime = type === 'tie-config' ? tieConfigJudge(name) : (value: unknown) => flowNodeVerdict(type, name, value, context);
      if (runtime === undefined) throw new Error(`${id}: no runtime judge; add one or say why the form only keeps it`);
      out.push({ id, inputs, editor: (value) => editorVerdict(type, name, value, context), runtime });
    }
  }
  // A broker's port: the list is the editor's widget, each port one number setting.
  out.push({
    id: 'tie-config.brokers[].port',
    inputs: NUMBER_INPUTS,
    editor: (value) => editorVerdict('tie-config', 'brokers', [{ host: 'dxl', port: value }], {}),
    runtime: (value) => verdictOf(() => brokersFromSettings([{ host: 'dxl', port: asStarted(value) as string }])),
  });
  return out;
}

const ROWS = rows();

describe('settings: every property of every node, declared once, alike in the editor and the runtime', function () {
  this.timeout(120_000);
  before(async () => {
    process.env[ENV_NAME] = ENV_VALUE;
    await helper.startServer();
  });
  after(async () => {
    delete process.env[ENV_NAME];
    await helper.stopServer();
  });

  it("every node's editor defaults are its declared properties, each at the value a new node gets", () => {
    assert.equal(FOLDERS.size, 14);
    for (const [type, { properties }] of FOLDERS) {
      const defaults = editorDefinition(type).defaults;
      const expected: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(properties)) {
        expected[name] = initialValue(property, name);
        if (property.kind === 'typed') expected[`${name}Type`] = initialTyped(property, name).type;
      }
      const actual = Object.fromEntries(Object.entries(defaults).map(([name, spec]) => [name, spec.value]));
      assert.deepEqual(actual, expected, type);
    }
  });

  it('has a row for every number, choice and flag, and covers every kind', () => {
    const judged = ROWS.length;
    assert.ok(judged > 45, `${judged} rows`);
    const kinds = new Set([...FOLDERS.values()].flatMap(({ properties }) => Object.values(properties).map((p) => p.kind)));
    assert.deepEqual([...kinds].sort(), ['choice', 'connection', 'flag', 'list', 'number', 'text', 'typed']);
  });

  for (const row of ROWS) {
    it(`${row.id}: the same verdict on ${row.inputs.length} odd inputs`, async () => {
      const verdicts: string[] = [];
      for (const value of row.inputs) {
        const editor = await row.editor(value);
        const runtime = await row.runtime(value);
        verdicts.push(`${JSON.stringify(value)}: ${editor}`);
        assert.equal(runtime, editor, `${row.id} ${JSON.stringify(value)}: editor ${editor}, runtime ${runtime}`);
      }
      // The table decides something: every property takes some of the inputs and refuses others.
      assert.ok(
        verdicts.some((line) => line.endsWith('accepted')) && verdicts.some((line) => line.endsWith('refused')),
        verdicts.join('; '),
      );
    });
  }

  it('reads no hex, exponent, sign or fraction of a whole number as a number, in either', () => {
    const whole = [...FOLDERS].flatMap(([type, { properties }]) =>
      Object.entries(properties).flatMap(([name, p]) => (p.kind === 'number' && p.setting.kind.whole ? [`${type}.${name}`] : [])),
    );
    assert.ok(whole.length >= 8, whole.join(', '));
    for (const row of ROWS.filter((r) => whole.includes(r.id))) {
      for (const value of ['0x22B3', '1e2', '-1', '8883.0']) assert.equal(row.editor(value), 'refused', `${row.id} ${value}`);
    }
  });
});
