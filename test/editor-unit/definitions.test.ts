/**
 * The editor modules (nodes/editor/*.ts) imported directly and run against a stand-in RED and $
 * (fake-editor.ts): every type registers with the shared look and the tie-config reference, its
 * labels and messages come from the catalogue in each language, its lists and limits from src/.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Dollar, EditorRED, NodeTypeDefinition, TypedInputType } from '../../nodes/editor/red';
import * as tieConfig from '../../nodes/tie-config/editor';
import * as tieDetection from '../../nodes/tie-detection/editor';
import * as tieDxlEventIn from '../../nodes/tie-dxl-event-in/editor';
import * as tieDxlEventOut from '../../nodes/tie-dxl-event-out/editor';
import * as tieDxlRequest from '../../nodes/tie-dxl-request/editor';
import * as tieDxlResponse from '../../nodes/tie-dxl-response/editor';
import * as tieDxlService from '../../nodes/tie-dxl-service/editor';
import * as tieFirstInstance from '../../nodes/tie-first-instance/editor';
import * as tieFirstReferences from '../../nodes/tie-first-references/editor';
import * as tieGetReputation from '../../nodes/tie-get-reputation/editor';
import * as tieReputationChange from '../../nodes/tie-reputation-change/editor';
import * as tieSetExternalReputation from '../../nodes/tie-set-external-reputation/editor';
import * as tieSetReputation from '../../nodes/tie-set-reputation/editor';
import { PORT } from '../../src/dxl/numbers';
import { DEFAULT_SERVICE_ANSWER_TIMEOUT_S, MAX_CONCURRENCY, MAX_TIMEOUT_S } from '../../nodes/kit/settings';
import { FileType, TRUST_LEVELS, TrustLevel } from '../../src/tie/constants';
import { LANGUAGES, editorNode, fakeDollar, fakeRed, root, translator } from './fake-editor';
import { FABRIC_CONFIG_FILE, FABRIC_CONFIG_ID } from '../../nodes/editor/connection';

interface EditorModule {
  definition(RED: EditorRED, $: Dollar): NodeTypeDefinition;
  register(RED: EditorRED, $: Dollar): void;
}

const MODULES: Record<string, EditorModule> = {
  'tie-config': tieConfig,
  'tie-get-reputation': tieGetReputation,
  'tie-set-external-reputation': tieSetExternalReputation,
  'tie-set-reputation': tieSetReputation,
  'tie-first-references': tieFirstReferences,
  'tie-reputation-change': tieReputationChange,
  'tie-detection': tieDetection,
  'tie-first-instance': tieFirstInstance,
  'tie-dxl-request': tieDxlRequest,
  'tie-dxl-event-in': tieDxlEventIn,
  'tie-dxl-event-out': tieDxlEventOut,
  'tie-dxl-service': tieDxlService,
  'tie-dxl-response': tieDxlResponse,
};
const EVENT_TYPES = ['tie-reputation-change', 'tie-detection', 'tie-first-instance'];
/** The DXL nodes: their ports, and settings with the values a new node has. */
const DXL_TYPES: Record<string, { inputs: number; outputs: number; defaults: Record<string, unknown> }> = {
  'tie-dxl-request': {
    inputs: 1,
    outputs: 1,
    defaults: { name: '', connection: '', topic: '', payload: 'payload', payloadType: 'msg', format: 'text', timeout: '' },
  },
  'tie-dxl-event-in': { inputs: 0, outputs: 1, defaults: { name: '', connection: '', topic: '', format: 'text' } },
  'tie-dxl-event-out': { inputs: 1, outputs: 0, defaults: { name: '', connection: '', topic: '' } },
  'tie-dxl-service': {
    inputs: 0,
    outputs: 1,
    defaults: { name: '', connection: '', serviceType: '', topics: '', format: 'text', timeout: DEFAULT_SERVICE_ANSWER_TIMEOUT_S },
  },
  // No connection: it answers the request its msg carries.
  'tie-dxl-response': {
    inputs: 1,
    outputs: 0,
    defaults: { name: '', respond: 'payload', errorCode: '1', errorCodeType: 'num', errorMessage: 'payload', errorMessageType: 'msg' },
  },
};
const REQUEST_TYPES = ['tie-get-reputation', 'tie-set-external-reputation', 'tie-set-reputation', 'tie-first-references'];

function defined(
  type: string,
  lang = 'en-US',
): { definition: NodeTypeDefinition; $: Dollar; recorded: ReturnType<typeof fakeDollar>['recorded'] } {
  const { $, recorded } = fakeDollar();
  const RED = fakeRed(type, lang);
  MODULES[type].register(RED, $);
  const definition = RED.registered.get(type);
  assert.ok(definition, `${type} registers itself`);
  return { definition, $, recorded };
}

describe('editor modules (nodes/editor)', () => {
  // Node-RED (editor-client's validateNodeProperty) takes a returned message as "invalid" only from a
  // validator declaring (value, options); from any other a message is truthy, i.e. valid.
  it('every validator that can return a message declares two parameters, so Node-RED shows it as invalid', () => {
    for (const type of Object.keys(MODULES)) {
      const { definition } = defined(type);
      for (const [property, spec] of Object.entries(definition.defaults)) {
        if (spec.validate === undefined) continue;
        assert.equal(spec.validate.length, 2, `${type}.${property}: its validator takes ${spec.validate.length} parameter(s)`);
      }
    }
  });

  for (const type of Object.keys(MODULES).filter((t) => !(t in DXL_TYPES))) {
    it(`${type}: registers with its icon, the TIE category and a tie-config reference`, () => {
      const { definition } = defined(type);
      assert.equal(definition.icon, `${type}.svg`);
      assert.ok(fs.existsSync(path.join(root, 'icons', definition.icon)), 'its icon exists');
      assert.equal(definition.color, '#A6BBCF');
      if (type === 'tie-config') {
        assert.equal(definition.category, 'config');
        return;
      }
      assert.equal(definition.category, 'TIE');
      assert.equal(definition.defaults.connection?.type, 'tie-config');
      assert.equal(definition.defaults.connection?.required, true);
      assert.equal(definition.outputs, 1);
      assert.equal(definition.inputs, EVENT_TYPES.includes(type) ? 0 : 1);
      if (!EVENT_TYPES.includes(type)) {
        assert.equal(definition.defaults.input?.value, 'payload');
        assert.equal(definition.defaults.inputType?.value, 'msg');
      }
    });
  }

  for (const [type, expected] of Object.entries(DXL_TYPES)) {
    it(`${type}: registers with its icon, the DXL category, its ports and settings`, () => {
      const { definition } = defined(type);
      assert.equal(definition.icon, `${type}.svg`);
      assert.ok(fs.existsSync(path.join(root, 'icons', definition.icon)), 'its icon exists');
      assert.equal(definition.color, '#A6BBCF');
      assert.equal(definition.category, 'DXL');
      assert.equal(definition.inputs, expected.inputs);
      assert.equal(definition.outputs, expected.outputs);
      // These values a new node has; every property's default is checked against its declaration in test/settings-table.test.ts.
      for (const [key, value] of Object.entries(expected.defaults)) assert.deepEqual(definition.defaults[key]?.value, value, key);
      if ('connection' in expected.defaults) {
        assert.equal(definition.defaults.connection?.type, 'tie-config');
        assert.equal(definition.defaults.connection?.required, true);
      }
      assert.equal(Boolean(definition.inputLabels), expected.inputs > 0, 'an input label for an input');
      assert.equal(Boolean(definition.outputLabels), expected.outputs > 0, 'an output label for an output');
    });
  }

  for (const type of Object.keys(MODULES)) {
    for (const lang of LANGUAGES) {
      it(`${type}: palette label, node label and port labels in ${lang}, from its catalogue`, () => {
        const { definition } = defined(type, lang);
        const _ = translator(type, lang);
        if (definition.paletteLabel) assert.equal(definition.paletteLabel.call({ _ }), _(`${type}.paletteLabel`));
        const node = editorNode(type, definition, {}, lang);
        assert.notEqual(definition.label.call(node).trim(), '');
        if (definition.inputLabels) assert.equal(definition.inputLabels.call(node), _(`${type}.ports.input`));
        if (definition.outputLabels) assert.equal(definition.outputLabels.call(node), _(`${type}.ports.output`));
        // A name wins, as everywhere in Node-RED.
        assert.equal(definition.label.call(editorNode(type, definition, { name: 'mine' }, lang)), 'mine');
      });
    }
  }

  it("a node's label follows its configured subject, file or certificate", () => {
    for (const type of ['tie-get-reputation', 'tie-set-reputation', 'tie-first-references', 'tie-reputation-change']) {
      const { definition } = defined(type);
      const _ = translator(type, 'en-US');
      assert.equal(definition.label.call(editorNode(type, definition, { subject: 'file' })), _(`${type}.default.file`));
      assert.equal(definition.label.call(editorNode(type, definition, { subject: 'certificate' })), _(`${type}.default.certificate`));
    }
    const setReputation = defined('tie-set-reputation').definition;
    assert.equal(
      setReputation.label.call(
        editorNode('tie-set-reputation', setReputation, { subject: 'certificate', trustLevelType: 'tie-level', trustLevel: '1' }),
      ),
      'set certificate reputation = 1',
    );
  });

  it('palette labels read as what the node is, so "Edit <label> node" is a sentence', () => {
    const labels = Object.keys(MODULES)
      .filter((type) => type !== 'tie-config')
      .map((type) => translator(type, 'en-US')(`${type}.paletteLabel`));
    assert.deepEqual(labels, [
      'get reputation',
      'set external reputation',
      'set reputation',
      'first references',
      'reputation change',
      'detection',
      'first instance',
      'dxl request',
      'dxl event in',
      'dxl event out',
      'dxl service',
      'dxl response',
    ]);
  });

  it("a DXL node's label is its name, else its topic (a service: its type, else its topics), else the catalogue's", () => {
    const label = (type: string, properties: Record<string, unknown>): string => {
      const { definition } = defined(type);
      return definition.label.call(editorNode(type, definition, properties));
    };
    assert.equal(label('tie-dxl-request', {}), 'dxl request');
    assert.equal(label('tie-dxl-request', { topic: ' /acme/service/lookup ' }), '/acme/service/lookup');
    assert.equal(label('tie-dxl-event-in', { topic: '/acme/event/#' }), '/acme/event/#');
    assert.equal(label('tie-dxl-event-out', { topic: '' }), 'dxl event out');
    assert.equal(label('tie-dxl-service', { topics: '/acme/a, /acme/b' }), '/acme/a, /acme/b');
    assert.equal(label('tie-dxl-service', { serviceType: '/acme/service', topics: '/acme/a' }), '/acme/service');
    assert.equal(label('tie-dxl-response', {}), 'dxl response');
    assert.equal(label('tie-dxl-response', { respond: 'error' }), 'dxl error response');
    assert.equal(label('tie-dxl-request', { name: 'mine', topic: '/acme/x' }), 'mine');
  });

  /** Every validator of a DXL node: Node-RED shows a message only from a (value, options) validator. */
  function dxlValidate(type: string, property: string, lang: string = 'en-US'): (value: unknown) => boolean | string {
    const { definition } = defined(type, lang);
    const validate = definition.defaults[property]?.validate;
    assert.ok(validate, `${type}.${property} has a validator`);
    assert.equal(validate.length, 2, `${type}.${property}: (value, options), or Node-RED takes a message for valid`);
    const node = editorNode(type, definition, {}, lang);
    return (value) => validate.call(node, value);
  }

  for (const lang of LANGUAGES) {
    it(`DXL topics are checked by the runtime's rule, with the catalogue's reason in ${lang}`, () => {
      const problem = (type: string, name: string): string => translator(type, lang)(`tie.topicProblem.${name}`);
      const eventIn = dxlValidate('tie-dxl-event-in', 'topic', lang);
      for (const ok of ['/acme/event/#', '/acme/event/alert', '#']) assert.equal(eventIn(ok), true, `event in: ${ok}`);
      assert.equal(eventIn('/a/+/b'), problem('tie-dxl-event-in', 'plusWildcard'));
      assert.equal(eventIn('/a/#/b'), problem('tie-dxl-event-in', 'hashNotLast'));
      assert.equal(eventIn(''), problem('tie-dxl-event-in', 'empty'), 'an event in needs its topic');

      const request = dxlValidate('tie-dxl-request', 'topic', lang);
      for (const ok of ['', '  ', '/acme/service/lookup']) assert.equal(request(ok), true, `request: "${ok}" (empty: msg.topic)`);
      assert.equal(request('/a/#'), problem('tie-dxl-request', 'wildcardInPublish'));
      assert.equal(request('/a/+/b'), problem('tie-dxl-request', 'wildcardInPublish'));

      const eventOut = dxlValidate('tie-dxl-event-out', 'topic', lang);
      for (const ok of ['', '/acme/event/alert']) assert.equal(eventOut(ok), true, `event out: "${ok}"`);
      assert.equal(eventOut('/acme/event/#'), problem('tie-dxl-event-out', 'wildcardInPublish'));

      const topics = dxlValidate('tie-dxl-service', 'topics', lang);
      for (const ok of ['/acme/a', '/acme/a, /acme/b/#', '/acme/a\n/acme/b']) assert.equal(topics(ok), true, `service: ${ok}`);
      assert.equal(topics(''), problem('tie-dxl-service', 'empty'));
      assert.equal(topics(' , '), problem('tie-dxl-service', 'empty'));
      assert.equal(topics('/acme/a, /acme/+/b'), problem('tie-dxl-service', 'plusWildcard'));
    });

    it(`DXL timeouts are seconds from 1 to MAX_TIMEOUT_S (${MAX_TIMEOUT_S}), the message in ${lang}`, () => {
      // Empty: the tie-config's timeout for a request, the node's default for a service.
      for (const type of ['tie-dxl-request', 'tie-dxl-service']) {
        const timeout = dxlValidate(type, 'timeout', lang);
        const message = translator(type, lang)('tie.validation.timeout', { max: MAX_TIMEOUT_S });
        for (const ok of [1, '5', '1.5', MAX_TIMEOUT_S]) assert.equal(timeout(ok), true, `${type}: ${String(ok)}`);
        for (const refused of [0, '0.5', '-1', 'soon', MAX_TIMEOUT_S + 1])
          assert.equal(timeout(refused), message, `${type}: ${String(refused)}`);
        assert.equal(timeout(''), true, `${type}: empty`);
        assert.match(message, new RegExp(`${MAX_TIMEOUT_S}`));
      }
    });
  }

  it('the DXL nodes with a connection get the single tie-config when added; the response, without one, watches nothing', () => {
    for (const type of Object.keys(DXL_TYPES)) {
      const RED = fakeRed(type);
      MODULES[type].register(RED, fakeDollar().$);
      if (type === 'tie-dxl-response') {
        assert.equal(RED.listeners.length, 0, 'no nodes:add listener for the response');
        continue;
      }
      RED.configs.push({ id: 'c1', type: 'tie-config', users: [], _: RED._ });
      const added = { id: 'n1', type, z: 'flow', changed: true, connection: '', _: RED._ };
      for (const listener of RED.listeners) listener(added);
      assert.equal(added.connection, 'c1', type);
    }
  });

  it("an example's node gets the single tie-config there is; with none, the one tie-fabric-defaults made once and shared", () => {
    const configDefinition = defined('tie-config').definition;
    for (const type of ['tie-get-reputation', 'tie-detection', 'tie-dxl-request']) {
      // One tie-config of the user's: the example uses it, nothing is made.
      let RED = fakeRed(type);
      MODULES[type].register(RED, fakeDollar().$);
      RED.types.set('tie-config', configDefinition);
      RED.configs.push({ id: 'mine', type: 'tie-config', users: [], _: RED._ });
      const first = { id: 'n1', type, z: 'flow', changed: true, connection: FABRIC_CONFIG_ID, _: RED._ };
      for (const listener of RED.listeners) listener(first);
      assert.equal(first.connection, 'mine', type);
      assert.equal(RED.configs.length, 1);

      // None: the first example node makes tie-fabric's, the next ones share it.
      RED = fakeRed(type);
      MODULES[type].register(RED, fakeDollar().$);
      RED.types.set('tie-config', configDefinition);
      const nodes = [1, 2].map((n) => ({ id: `n${n}`, type, z: `flow${n}`, changed: true, connection: FABRIC_CONFIG_ID, _: RED._ }));
      for (const added of nodes) for (const listener of RED.listeners) listener(added);
      assert.deepEqual(
        nodes.map((n) => n.connection),
        [FABRIC_CONFIG_ID, FABRIC_CONFIG_ID],
      );
      assert.equal(RED.configs.length, 1, 'one tie-config for every example');
      const [made] = RED.configs;
      assert.equal(made.id, FABRIC_CONFIG_ID);
      assert.equal(made.source, 'file');
      assert.equal(made.configFile, FABRIC_CONFIG_FILE);
      assert.equal(made.changed, true, 'deployed with the flow');
      assert.equal(made.requestTimeout, configDefinition.defaults.requestTimeout.value, 'the other properties at their defaults');
      assert.deepEqual(
        (made.users ?? []).map((n) => n.id),
        ['n1', 'n2'],
      );

      // A node dropped from the palette with no tie-config: nothing is made for it.
      RED = fakeRed(type);
      MODULES[type].register(RED, fakeDollar().$);
      RED.types.set('tie-config', configDefinition);
      const dropped = { id: 'n3', type, z: 'flow', changed: true, connection: '', _: RED._ };
      for (const listener of RED.listeners) listener(dropped);
      assert.equal(dropped.connection, '');
      assert.equal(RED.configs.length, 0);
    }
  });

  it("tie-dxl-response's form: TypedInputs for the error code (a number) and the error message (a text)", () => {
    const { definition, recorded } = defined('tie-dxl-response');
    definition.oneditprepare!.call(editorNode('tie-dxl-response', definition));
    assert.deepEqual(recorded.typedInputs.get('#node-input-errorCode'), ['msg', 'num', 'flow', 'global', 'env', 'jsonata']);
    assert.deepEqual(recorded.typedInputs.get('#node-input-errorMessage'), ['msg', 'str', 'flow', 'global', 'env', 'jsonata']);
  });

  it('tie-config declares the same credentials as its runtime, the private key and proxy password as passwords', async () => {
    const { definition } = defined('tie-config');
    let runtime: Record<string, { type: string }> | undefined;
    const runtimeModule = ((await import(path.join(root, 'dist', 'nodes', 'tie-config', 'node.js'))) as { default: (RED: unknown) => void })
      .default;
    runtimeModule({
      _: (key: string) => key,
      settings: {},
      nodes: {
        registerType: (_t: string, _c: unknown, options: { credentials: Record<string, { type: string }> }) =>
          (runtime = options.credentials),
      },
      httpAdmin: { post: () => undefined, get: () => undefined },
      auth: { needsPermission: () => () => undefined },
      events: { on: () => undefined, removeListener: () => undefined },
    });
    assert.deepEqual(definition.credentials, runtime);
    assert.equal(definition.credentials?.keyPem?.type, 'password');
    assert.equal(definition.credentials?.proxyPassword?.type, 'password');
    for (const name of Object.keys(definition.credentials ?? {})) {
      assert.equal(definition.defaults[name], undefined, `${name} is not also a plain (exported) property`);
    }
  });

  it("tie-config's numbers may be unset (a flow from an earlier version), the runtime's defaults then apply; set, they are checked", () => {
    const { definition } = defined('tie-config');
    const node = editorNode('tie-config', definition, { source: 'form', cache: true });
    for (const property of ['requestTimeout', 'keepalive', 'cacheTtl']) {
      const validate = definition.defaults[property].validate!;
      for (const unset of [undefined, '']) assert.equal(validate.call(node, unset), true, `${property} ${String(unset)}`);
      assert.equal(typeof validate.call(node, -1), 'string', `${property} -1 is refused with a message`);
    }
  });

  it('tie-config validates its broker list (ports up to PORT.max) and labels itself by its first broker', () => {
    const { definition } = defined('tie-config');
    const node = editorNode('tie-config', definition, { source: 'form' });
    const validate = definition.defaults.brokers.validate!;
    assert.equal(validate.call(node, [{ host: 'dxl1', port: 8883 }]), true);
    assert.equal(validate.call(node, [{ host: 'dxl1', port: PORT.max }]), true);
    const refused = validate.call(node, [{ host: 'dxl1', port: PORT.max + 1 }]);
    assert.equal(refused, `Add at least one broker with a host and a port (1-${PORT.max})`);
    assert.notEqual(validate.call(node, []), true);
    assert.notEqual(validate.call(node, [{ host: '', port: 8883 }]), true);
    assert.equal(validate.call(editorNode('tie-config', definition, { source: 'file' }), []), true);
    assert.equal(
      definition.label.call(
        editorNode('tie-config', definition, {
          brokers: [
            { host: 'dxl1', port: 8883 },
            { host: 'dxl2', port: 8883 },
          ],
        }),
      ),
      'dxl1:8883 +1',
    );
    assert.equal(
      definition.label.call(editorNode('tie-config', definition, { source: 'file', configFile: '/x/dxlclient.config' })),
      '/x/dxlclient.config',
    );
  });

  it("tie-config's form gets its limits and MQTT versions from nodes/kit/limits.ts", () => {
    const { definition, recorded } = defined('tie-config');
    definition.oneditprepare!.call(editorNode('tie-config', definition));
    assert.deepEqual(recorded.attributes.get('#node-config-input-proxyPort'), { min: 1, max: PORT.max, placeholder: 3128 });
    assert.deepEqual(recorded.attributes.get('#node-config-input-provisionPort'), { min: 1, max: PORT.max, placeholder: 8443 });
  });

  for (const lang of LANGUAGES) {
    it(`the batch bound is MAX_CONCURRENCY (${MAX_CONCURRENCY}), and its message is in ${lang}`, () => {
      for (const type of REQUEST_TYPES) {
        const { definition, recorded } = defined(type, lang);
        const node = editorNode(type, definition, {}, lang);
        const validate = definition.defaults.concurrency.validate!;
        for (const ok of ['', undefined, 1, '8', MAX_CONCURRENCY]) assert.equal(validate.call(node, ok), true, `${type}: ${String(ok)}`);
        const message = validate.call(node, MAX_CONCURRENCY + 1);
        assert.equal(message, translator(type, lang)('tie.validation.concurrency', { max: MAX_CONCURRENCY }));
        assert.match(String(message), new RegExp(`${MAX_CONCURRENCY}`));
        definition.oneditprepare!.call(node);
        assert.deepEqual(recorded.attributes.get('#node-input-concurrency'), { min: 1, max: MAX_CONCURRENCY });
      }
    });
  }

  it("trust levels and file types of the TypedInputs are src/tie/constants.ts', named by the catalogue", () => {
    for (const [type, withNotSet] of [
      ['tie-set-reputation', true],
      ['tie-set-external-reputation', false],
    ] as const) {
      for (const lang of LANGUAGES) {
        const { definition, recorded } = defined(type, lang);
        definition.oneditprepare!.call(editorNode(type, definition, {}, lang));
        const level = recorded.typedInputs.get('#node-input-trustLevel')?.[0] as TypedInputType;
        const expected = TRUST_LEVELS.filter((l) => withNotSet || l !== TrustLevel.NOT_SET);
        assert.deepEqual(
          level.options?.map((o) => o.value),
          expected.map(String),
        );
        assert.equal(level.options?.[0]?.label, `100 – ${translator(type, lang)('tie.trustLevel.100')}`);
        assert.equal(level.label, translator(type, lang)('tie.typed.trustLevel'));
      }
    }
    const { definition, recorded } = defined('tie-set-external-reputation');
    definition.oneditprepare!.call(editorNode('tie-set-external-reputation', definition));
    const fileType = recorded.typedInputs.get('#node-input-fileType')?.[0] as TypedInputType;
    assert.deepEqual(
      fileType.options?.map((o) => o.value),
      Object.keys(FileType),
    );
    assert.deepEqual(recorded.typedInputs.get('#node-input-input'), ['msg', 'flow', 'global', 'json', 'str', 'env', 'jsonata']);
  });

  it('a node added by the user gets the one tie-config that can serve it; each type watches only its own nodes', () => {
    const RED = fakeRed('tie-detection');
    tieDetection.register(RED);
    tieGetReputation.register(RED, fakeDollar().$);
    assert.equal(RED.listeners.length, 2);
    const config = { id: 'c1', type: 'tie-config', users: [], _: RED._ };
    const scopedElsewhere = { id: 'c2', type: 'tie-config', z: 'other-flow', users: [], _: RED._ };
    RED.configs.push(config, scopedElsewhere);
    const added = { id: 'n1', type: 'tie-detection', z: 'flow', changed: true, connection: '', _: RED._ };
    for (const listener of RED.listeners) listener(added);
    assert.equal(added.connection, 'c1');
    assert.deepEqual(config.users, [added], 'added once, by the detection editor alone');
    assert.deepEqual(RED.validated, [added]);
    // A deployed node loaded with the flows keeps what the runtime has.
    const loaded = { id: 'n2', type: 'tie-detection', z: 'flow', changed: false, connection: '', _: RED._ };
    for (const listener of RED.listeners) listener(loaded);
    assert.equal(loaded.connection, '');
    // Two usable configs: the user chooses.
    RED.configs.push({ id: 'c3', type: 'tie-config', users: [], _: RED._ });
    const ambiguous = { id: 'n3', type: 'tie-get-reputation', z: 'flow', changed: true, connection: '', _: RED._ };
    for (const listener of RED.listeners) listener(ambiguous);
    assert.equal(ambiguous.connection, '');
  });
});
