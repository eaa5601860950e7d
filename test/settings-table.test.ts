/**
 * Every number setting's verdict on the same odd inputs, from the editor's validator (the node's
 * editor definition) and from the runtime's reader (what the node does with the setting when the
 * flow starts): they must agree. A `${NAME}` setting goes through Node-RED's own substitution of
 * environment variables first, in the runtime only, as when a flow starts.
 */
import assert from 'node:assert/strict';
import { buildClientOptions, buildTieOptions, brokersFromSettings } from '../nodes/config/client-options';
import { provisionForEditor } from '../nodes/config/config-provision';
import type { EditorNode, NodeTypeDefinition } from '../nodes/editor/red';
import * as tieConfigEditor from '../nodes/editor/tie-config';
import * as tieDxlRequestEditor from '../nodes/editor/tie-dxl-request';
import * as tieDxlServiceEditor from '../nodes/editor/tie-dxl-service';
import * as tieGetReputationEditor from '../nodes/editor/tie-get-reputation';
import * as tieSetReputationEditor from '../nodes/editor/tie-set-reputation';
import { SETTINGS, type SettingName } from '../nodes/kit/settings';
import { testPki } from '../test-kit/pki-fixture';
import { editorNode, fakeDollar, fakeRed } from './editor-unit/fake-editor';
import { type FlowNode, type RunningNode, helper, node, ourNode } from './support/node-red-helper';

// Node-RED's substitution of `${NAME}` in node properties when a flow starts (@node-red/runtime).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const flowUtil = require('@node-red/runtime/lib/flows/util') as {
  mapEnvVarProperties(obj: Record<string, unknown>, prop: string, flow: undefined, config: Record<string, unknown>): void;
};

const ENV_NAME = 'TIE_SETTINGS_TABLE_VALUE';
const ENV_VALUE = '25';

/** The odd inputs of the table; every setting meets each of them. */
const INPUTS: readonly unknown[] = [
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

type Verdict = 'accepted' | 'refused';

/** Node-RED's runtime view of one setting: the value after its substitution of environment variables. */
function asStarted(value: unknown): unknown {
  const holder: Record<string, unknown> = { value };
  flowUtil.mapEnvVarProperties(holder, 'value', undefined, holder);
  return holder.value;
}

// ---- the editor's side: the node's definition, as the editor page gets it

interface EditorModule {
  definition(RED: ReturnType<typeof fakeRed>, $: ReturnType<typeof fakeDollar>['$']): NodeTypeDefinition;
}

function editorVerdict(module: EditorModule, type: string, property: string, value: unknown, context: Record<string, unknown>): Verdict {
  const definition = module.definition(fakeRed(type), fakeDollar().$);
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

async function provisionPortVerdict(value: unknown): Promise<Verdict> {
  // Loopback has no management server: a port that is read ends in a failed connection, not a port error.
  const outcome = await provisionForEditor({
    host: '127.0.0.1',
    port: asStarted(value),
    user: 'u',
    password: 'p',
    trustUnverified: true,
  }).then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  return outcome !== undefined && /management server port/.test(outcome) ? 'refused' : 'accepted';
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

interface Row {
  setting: SettingName;
  editor: (value: unknown) => Verdict;
  runtime: (value: unknown) => Verdict | Promise<Verdict>;
}

const websockets = { transport: 'websockets', proxyHost: 'proxy.example' };
const ROWS: Row[] = [
  {
    setting: 'brokerPort',
    editor: (value) => editorVerdict(tieConfigEditor, 'tie-config', 'brokers', [{ host: 'dxl', port: value }], {}),
    runtime: (value) => verdictOf(() => brokersFromSettings([{ host: 'dxl', port: asStarted(value) as string }])),
  },
  {
    setting: 'proxyPort',
    editor: (value) => editorVerdict(tieConfigEditor, 'tie-config', 'proxyPort', value, websockets),
    runtime: (value) =>
      verdictOf(() =>
        buildClientOptions(
          { brokers: [broker], ...websockets, transport: 'websockets', proxyPort: asStarted(value) as string },
          credentials,
        ),
      ),
  },
  {
    setting: 'requestTimeout',
    editor: (value) => editorVerdict(tieConfigEditor, 'tie-config', 'requestTimeout', value, {}),
    runtime: (value) => verdictOf(() => buildClientOptions({ brokers: [broker], requestTimeout: asStarted(value) as string }, credentials)),
  },
  {
    setting: 'keepalive',
    editor: (value) => editorVerdict(tieConfigEditor, 'tie-config', 'keepalive', value, {}),
    runtime: (value) => verdictOf(() => buildClientOptions({ brokers: [broker], keepalive: asStarted(value) as string }, credentials)),
  },
  {
    setting: 'cacheTtl',
    editor: (value) => editorVerdict(tieConfigEditor, 'tie-config', 'cacheTtl', value, { cache: true }),
    runtime: (value) => verdictOf(() => buildTieOptions({ cache: true, cacheTtl: asStarted(value) as string })),
  },
  {
    setting: 'maxMessageKb',
    editor: (value) => editorVerdict(tieConfigEditor, 'tie-config', 'maxMessageKb', value, {}),
    runtime: (value) => verdictOf(() => buildClientOptions({ brokers: [broker], maxMessageKb: asStarted(value) as string }, credentials)),
  },
  {
    setting: 'connectWait',
    editor: (value) => editorVerdict(tieConfigEditor, 'tie-config', 'connectWait', value, {}),
    runtime: (value) => verdictOf(() => buildClientOptions({ brokers: [broker], connectWait: asStarted(value) as string }, credentials)),
  },
  {
    setting: 'provisionPort',
    editor: (value) => editorVerdict(tieConfigEditor, 'tie-config', 'provisionPort', value, {}),
    runtime: provisionPortVerdict,
  },
  {
    setting: 'concurrency',
    editor: (value) => editorVerdict(tieGetReputationEditor, 'tie-get-reputation', 'concurrency', value, {}),
    runtime: (value) => flowNodeVerdict('tie-get-reputation', 'concurrency', value, {}),
  },
  {
    setting: 'dxlRequestTimeout',
    editor: (value) => editorVerdict(tieDxlRequestEditor, 'tie-dxl-request', 'timeout', value, {}),
    runtime: (value) => flowNodeVerdict('tie-dxl-request', 'timeout', value, { topic: '/a/b' }),
  },
  {
    setting: 'writeRate',
    editor: (value) => editorVerdict(tieConfigEditor, 'tie-config', 'writeRate', value, {}),
    runtime: (value) => verdictOf(() => buildTieOptions({ writeRate: asStarted(value) as string })),
  },
  {
    setting: 'writeBurst',
    editor: (value) => editorVerdict(tieConfigEditor, 'tie-config', 'writeBurst', value, { writeRate: 10 }),
    runtime: (value) => verdictOf(() => buildTieOptions({ writeRate: 10, writeBurst: asStarted(value) as string })),
  },
  {
    setting: 'writeQueue',
    editor: (value) => editorVerdict(tieConfigEditor, 'tie-config', 'writeQueue', value, { writeRate: 10 }),
    runtime: (value) => verdictOf(() => buildTieOptions({ writeRate: 10, writeQueue: asStarted(value) as string })),
  },
  {
    setting: 'verifyTimeout',
    editor: (value) => editorVerdict(tieSetReputationEditor, 'tie-set-reputation', 'verifyTimeout', value, { verify: true }),
    runtime: (value) => flowNodeVerdict('tie-set-reputation', 'verifyTimeout', value, { verify: true }),
  },
  {
    setting: 'serviceTimeout',
    editor: (value) => editorVerdict(tieDxlServiceEditor, 'tie-dxl-service', 'timeout', value, { topics: '/a/b' }),
    runtime: (value) => flowNodeVerdict('tie-dxl-service', 'timeout', value, { topics: '/a/b' }),
  },
];

describe('settings: the editor and the runtime judge every number setting alike', function () {
  this.timeout(60_000);
  before(async () => {
    process.env[ENV_NAME] = ENV_VALUE;
    await helper.startServer();
  });
  after(async () => {
    delete process.env[ENV_NAME];
    await helper.stopServer();
  });

  it('has a row for every declared setting', () => {
    assert.deepEqual(ROWS.map((row) => row.setting).sort(), Object.keys(SETTINGS).sort());
  });

  for (const row of ROWS) {
    it(`${row.setting}: the same verdict on ${INPUTS.length} odd inputs`, async () => {
      const verdicts: string[] = [];
      for (const value of INPUTS) {
        const editor = row.editor(value);
        const runtime = await row.runtime(value);
        verdicts.push(`${JSON.stringify(value)}: ${editor}`);
        assert.equal(runtime, editor, `${row.setting} ${JSON.stringify(value)}: editor ${editor}, runtime ${runtime}`);
      }
      // The table decides something: every setting takes some of the inputs and refuses others.
      assert.ok(
        verdicts.some((line) => line.endsWith('accepted')) && verdicts.some((line) => line.endsWith('refused')),
        verdicts.join('; '),
      );
    });
  }

  it('reads no hex, exponent, sign or fraction of a whole number as a number, in either', () => {
    for (const row of ROWS.filter((r) => SETTINGS[r.setting].kind.whole)) {
      for (const value of ['0x22B3', '1e2', '-1', '8883.0']) assert.equal(row.editor(value), 'refused', `${row.setting} ${value}`);
    }
  });
});
