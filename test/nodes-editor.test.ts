/**
 * The editor definitions in nodes/<type>.html, run against a stand-in of the editor's RED object:
 * each registers its type with the shared category, colour and its own icon, references the
 * tie-config node, and declares credentials exactly as the runtime does (the key as a password).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { ALL_TYPES } from './support/node-red-helper';

const nodesDir = path.resolve(__dirname, '..', 'nodes');

interface Definition {
  category: string;
  color: string;
  icon: string;
  inputs?: number;
  outputs?: number;
  defaults: Record<string, { value: unknown; type?: string; required?: boolean; validate?: (this: Record<string, unknown>, v: unknown) => unknown }>;
  credentials?: Record<string, { type: string }>;
  label: (this: Record<string, unknown>) => string;
  oneditprepare?: unknown;
}

function registeredDefinitions(type: string): Map<string, Definition> {
  const html = fs.readFileSync(path.join(nodesDir, `${type}.html`), 'utf8');
  const scripts = [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
  assert.ok(scripts.length > 0, `${type}.html has a registration script`);
  const registered = new Map<string, Definition>();
  const RED = {
    nodes: {
      registerType: (name: string, definition: Definition) => registered.set(name, definition),
      eachConfig: () => undefined,
    },
    events: { on: () => undefined },
    validators: { typedInput: () => () => true, number: () => () => true },
    _: (key: string) => key,
  };
  const context = vm.createContext({ RED, window: {}, $: () => undefined });
  for (const script of scripts) vm.runInContext(script, context, { filename: `${type}.html` });
  return registered;
}

describe('editor definitions (nodes/*.html)', () => {
  for (const type of ALL_TYPES) {
    it(`${type}: registers itself with its icon, the TIE category and a tie-config reference`, () => {
      const definition = registeredDefinitions(type).get(type);
      assert.ok(definition, `${type} is registered`);
      assert.equal(definition.icon, `${type}.svg`);
      assert.ok(fs.existsSync(path.join(nodesDir, 'icons', definition.icon)), 'icon file exists');
      assert.equal(definition.color, '#A6BBCF');
      const catalogue = JSON.parse(fs.readFileSync(path.join(nodesDir, 'locales', 'en-US', `${type}.json`), 'utf8')) as Record<string, unknown>;
      assert.ok(catalogue[type], 'catalogue section named after the type');
      assert.ok(fs.existsSync(path.join(nodesDir, 'locales', 'en-US', `${type}.html`)), 'help file');
      if (type === 'tie-config') {
        assert.equal(definition.category, 'config');
        return;
      }
      assert.equal(definition.category, 'TIE');
      assert.equal(definition.defaults.connection?.type, 'tie-config');
      assert.equal(definition.defaults.connection?.required, true);
      assert.equal(definition.outputs, 1);
      const isEventNode = ['tie-reputation-change', 'tie-detection', 'tie-first-instance'].includes(type);
      assert.equal(definition.inputs, isEventNode ? 0 : 1);
      if (!isEventNode) {
        assert.equal(definition.defaults.input?.value, 'payload');
        assert.equal(definition.defaults.inputType?.value, 'msg');
      }
    });
  }

  it('tie-config declares the same credentials as its runtime, the private key and proxy password as passwords', () => {
    const definition = registeredDefinitions('tie-config').get('tie-config')!;
    assert.deepEqual(JSON.parse(JSON.stringify(definition.credentials)), {
      caPem: { type: 'text' },
      certPem: { type: 'text' },
      keyPem: { type: 'password' },
      proxyUser: { type: 'text' },
      proxyPassword: { type: 'password' },
    });
    for (const name of Object.keys(definition.credentials ?? {})) {
      assert.equal(definition.defaults[name], undefined, `${name} is not also a plain (exported) property`);
    }
  });

  it('tie-config validates its broker list and labels itself by its first broker', () => {
    const definition = registeredDefinitions('tie-config').get('tie-config')!;
    const validate = definition.defaults.brokers!.validate!;
    assert.equal(validate.call({ source: 'form' }, [{ host: 'dxl1', port: 8883 }]), true);
    assert.notEqual(validate.call({ source: 'form' }, []), true);
    assert.notEqual(validate.call({ source: 'form' }, [{ host: '', port: 8883 }]), true);
    assert.notEqual(validate.call({ source: 'form' }, [{ host: 'dxl1', port: 70000 }]), true);
    assert.equal(validate.call({ source: 'file' }, []), true);
    assert.equal(definition.label.call({ brokers: [{ host: 'dxl1', port: 8883 }, { host: 'dxl2', port: 8883 }] }), 'dxl1:8883 +1');
  });
});
