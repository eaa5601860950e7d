/**
 * A stand-in for the browser editor's RED and $, enough to run the editor modules in Node:
 * RED._ reads the built catalogues (and fails on a key they lack), $ records what the editors
 * do to the form (TypedInputs, attributes, values).
 */
import fs from 'node:fs';
import path from 'node:path';
import { builtLocaleFile } from '../../scripts/editor-build';
import type { AjaxPromise, Dollar, EditorNode, EditorRED, JQ, NodeTypeDefinition, TypedInputType, Validator } from '../../nodes/editor/red';

export const LANGUAGES = ['en-US', 'de', 'ja'] as const;
/** The checkout: the folder above this compiled file (dist/test/editor-unit/) that holds our package.json. */
export const root = ((): string => {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'node-red-contrib-tie')
      return dir;
  }
  throw new Error(`no node-red-contrib-tie checkout above ${__dirname}`);
})();

type Catalogue = { [key: string]: string | Catalogue };

function lookup(catalogue: Catalogue, key: string): string | undefined {
  let at: string | Catalogue | undefined = catalogue;
  for (const part of key.split('.')) at = typeof at === 'object' ? at[part] : undefined;
  return typeof at === 'string' ? at : undefined;
}

/** A node set's `_` in one language: the text with its parameters, or a failure for a missing key. */
export function translator(
  type: string,
  lang: string,
  used: Set<string> = new Set(),
): (key: string, params?: Readonly<Record<string, string | number>>) => string {
  const catalogue = JSON.parse(fs.readFileSync(builtLocaleFile(root, type, lang, 'json'), 'utf8')) as Catalogue;
  return (key, params = {}) => {
    const [namespace, plain] = key.includes(':') ? key.split(':', 2) : [`node-red-contrib-tie/${type}`, key];
    const ownType = namespace.split('/')[1];
    const text = ownType === type ? lookup(catalogue, plain) : translator(ownType, lang)(plain);
    if (text === undefined) throw new Error(`${lang}/${type}.json has no "${plain}"`);
    used.add(plain);
    return text.replace(/__(\w+)__/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
}

export interface Recorded {
  typedInputs: Map<string, Array<string | TypedInputType>>;
  attributes: Map<string, Record<string, string | number>>;
  values: Map<string, unknown>;
}

/** $ for the editor modules: selectors become recorded elements; nothing is drawn. */
export function fakeDollar(): { $: Dollar; recorded: Recorded } {
  const recorded: Recorded = { typedInputs: new Map(), attributes: new Map(), values: new Map() };
  const element = (selector: string): JQ => {
    const self: JQ = {
      length: 1,
      val: ((value?: string | number) => {
        if (value === undefined) return recorded.values.get(selector);
        recorded.values.set(selector, value);
        return self;
      }) as JQ['val'],
      text: () => self,
      attr: (name, value) => {
        recorded.attributes.set(selector, { ...recorded.attributes.get(selector), [name]: value });
        return self;
      },
      prop: ((name: string, value?: boolean) => (value === undefined ? recorded.values.get(`${selector}@${name}`) : self)) as JQ['prop'],
      is: () => false,
      data: ((_key: string, value?: unknown) => (value === undefined ? undefined : self)) as JQ['data'],
      on: () => self,
      trigger: () => self,
      toggle: () => self,
      show: () => self,
      hide: () => self,
      css: () => self,
      toggleClass: () => self,
      removeClass: () => self,
      append: () => self,
      empty: () => self,
      addClass: () => self,
      children: () => self,
      find: (inner) => element(`${selector} ${inner}`),
      each: () => self,
      typedInput: (options) => {
        recorded.typedInputs.set(selector, options.types);
        return self;
      },
      editableList: () => self,
    };
    return self;
  };
  const $ = Object.assign((selector: unknown) => element(String(selector)), {
    // No server in the editor unit tests: a request is never answered.
    ajax: () => {
      const inert: AjaxPromise = { done: () => inert, fail: () => inert, always: () => inert };
      return inert;
    },
  }) as Dollar;
  return { $, recorded };
}

export interface FakeRed extends EditorRED {
  registered: Map<string, NodeTypeDefinition>;
  /** The editor's nodes:add listeners. */
  listeners: Array<(node: EditorNode | undefined) => void>;
  configs: EditorNode[];
  validated: EditorNode[];
  /** Definitions RED.nodes.getType answers with (the tie-config's, for the examples' connection). */
  types: Map<string, NodeTypeDefinition>;
}

export function fakeRed(type: string, lang = 'en-US'): FakeRed {
  const red: FakeRed = {
    registered: new Map(),
    listeners: [],
    configs: [],
    validated: [],
    types: new Map(),
    _: translator(type, lang),
    nodes: {
      registerType: (name, definition) => void red.registered.set(name, definition),
      eachConfig: (visit) => red.configs.forEach(visit),
      node: (id) => red.configs.find((config) => config.id === id),
      add: (node) => void red.configs.push(node),
      getType: (name) => red.types.get(name),
      dirty: () => undefined,
    },
    events: { on: (_event, listener) => void red.listeners.push(listener) },
    editor: { validateNode: (node) => void red.validated.push(node) },
    // As Node-RED's own: a validator of (value, options).
    validators: {
      typedInput: (): Validator =>
        function (value: unknown, options?: unknown) {
          void value;
          void options;
          return true;
        },
    },
    tabs: { create: () => ({ addTab: () => undefined }) },
    notify: () => undefined,
  };
  return red;
}

/** A node of `type` as the editor holds it, with its definition's defaults and `_`. */
export function editorNode(
  type: string,
  definition: NodeTypeDefinition,
  properties: Record<string, unknown> = {},
  lang = 'en-US',
): EditorNode {
  const node: EditorNode = { id: `${type}-1`, type, _: translator(type, lang) };
  for (const [key, spec] of Object.entries(definition.defaults)) node[key] = spec.value;
  return Object.assign(node, properties);
}
