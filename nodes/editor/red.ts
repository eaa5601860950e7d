/**
 * The part of the Node-RED editor's API (and of its jQuery) these editors use, typed by hand:
 * @types/node-red's editor typings describe Node-RED 1.x and pull in all of jQuery. Everything
 * here exists in the editor of Node-RED 3.1 and later.
 */

export type Translate = (key: string, params?: Readonly<Record<string, string | number>>) => string;

/** A node as the editor holds it: its properties, plus what the editor adds. */
export interface EditorNode {
  id: string;
  type: string;
  z?: string;
  changed?: boolean;
  users?: EditorNode[];
  _: Translate;
  [property: string]: unknown;
}

/** `true`, or `false` / a message saying what is wrong. */
export type Validator = (this: EditorNode, value: unknown) => boolean | string;

export interface PropertySpec {
  value: unknown;
  type?: string;
  required?: boolean;
  validate?: Validator;
}

export interface CredentialSpec {
  type: 'text' | 'password';
}

export interface NodeTypeDefinition {
  category: string;
  color: string;
  icon: string;
  defaults: Record<string, PropertySpec>;
  credentials?: Record<string, CredentialSpec>;
  inputs?: number;
  outputs?: number;
  paletteLabel?: (this: { _: Translate }) => string;
  label: (this: EditorNode) => string;
  labelStyle?: (this: EditorNode) => string;
  inputLabels?: (this: EditorNode) => string;
  outputLabels?: (this: EditorNode) => string;
  oneditprepare?: (this: EditorNode) => void;
  oneditsave?: (this: EditorNode) => void;
  oneditcancel?: (this: EditorNode) => void;
}

export interface TypedInputOption {
  value: string;
  label: string;
}

export interface TypedInputType {
  value: string;
  label: string;
  icon?: string;
  options?: TypedInputOption[];
}

export interface EditableListOptions<T> {
  addItem(row: JQ, index: number, item: T): void;
  removable?: boolean;
  sortable?: boolean;
}

export interface AjaxRequest {
  url: string;
  type: 'POST' | 'GET';
  contentType?: string;
  data?: string;
}

export interface AjaxFailure {
  responseJSON?: { message?: string; code?: string };
  statusText: string;
}

export interface AjaxPromise {
  done(handler: (result: unknown) => void): AjaxPromise;
  fail(handler: (xhr: AjaxFailure) => void): AjaxPromise;
  always(handler: () => void): AjaxPromise;
}

/** The jQuery collection methods used (jQuery and its Node-RED widgets). */
export interface JQ {
  readonly length: number;
  val(): unknown;
  val(value: string | number): JQ;
  text(value: string): JQ;
  attr(name: string, value: string | number): JQ;
  prop(name: string): unknown;
  prop(name: string, value: boolean): JQ;
  is(selector: string): boolean;
  data(key: string): unknown;
  data(key: string, value: unknown): JQ;
  on(event: string, handler: (this: unknown) => void): JQ;
  trigger(event: string): JQ;
  toggle(shown: boolean): JQ;
  show(): JQ;
  hide(): JQ;
  css(style: Record<string, string>): JQ;
  toggleClass(name: string, on: boolean): JQ;
  removeClass(name: string): JQ;
  append(...content: JQ[]): JQ;
  empty(): JQ;
  addClass(name: string): JQ;
  children(): JQ;
  find(selector: string): JQ;
  each(visit: (this: unknown) => void): JQ;
  typedInput(options: { default: string; types: Array<string | TypedInputType>; typeField: string }): JQ;
  editableList<T>(options: EditableListOptions<T>): JQ;
  editableList(method: 'addItem', item: unknown): JQ;
  editableList(method: 'empty'): JQ;
  editableList(method: 'items'): JQ;
}

export interface Dollar {
  (selector: unknown): JQ;
  ajax(request: AjaxRequest): AjaxPromise;
}

export interface EditorRED {
  _: Translate;
  nodes: {
    registerType(type: string, definition: NodeTypeDefinition): void;
    eachConfig(visit: (node: EditorNode) => void): void;
    updateConfigNodeUsers?: (node: EditorNode) => void;
    /** Any node or config node by id. */
    node(id: string): EditorNode | null | undefined;
    /** Adds a node (a config node when its definition's category is "config"). */
    add(node: EditorNode): void;
    getType(type: string): NodeTypeDefinition | null | undefined;
    dirty(dirty: boolean): void;
  };
  events: { on(event: 'nodes:add', listener: (node: EditorNode | undefined) => void): void };
  editor: { validateNode(node: EditorNode): void };
  validators: { typedInput(typeField: string): Validator };
  tabs: { create(options: { id: string; onchange(tab: { id: string }): void }): { addTab(tab: { id: string; label: string }): void } };
  notify(text: string, kind: 'success' | 'warning' | 'error'): void;
}

/** What a node's editor module exports: its registration with the page's RED and $ (register-on-load.ts calls it). */
export type RegisterEditor = (RED: EditorRED, $: Dollar) => void;
