/** What every TIE node's editor shares: its look, its labels' style, catalogue keys of a node set, validators with a message. */
import type { EditorNode, Translate, Validator } from './red';

export const MODULE = 'node-red-contrib-tie';

export function nodeLook(type: string, category = 'TIE'): { category: string; color: string; icon: string } {
  return { category, color: '#A6BBCF', icon: `${type}.svg` };
}

/** A key of `type`'s catalogue for RED._, which (unlike a node's own `_`) needs the namespace. */
export function keyOf(type: string, key: string): string {
  return `${MODULE}/${type}:${key}`;
}

/** The name the user gave the node, if any (it is its label then). */
export function nameOf(node: EditorNode): string | undefined {
  return typeof node.name === 'string' && node.name !== '' ? node.name : undefined;
}

/** A named node's label is in italics, as in Node-RED's core nodes. */
export function nameStyle(node: EditorNode): string {
  return nameOf(node) === undefined ? '' : 'node_label_italic';
}

/** A paletteLabel function reading `<type>.paletteLabel`. */
export function paletteLabel(type: string): (this: { _: Translate }) => string {
  return function (this: { _: Translate }) {
    return this._(`${type}.paletteLabel`);
  };
}

/** The text of a form field (jQuery's val() of an input), trimmed. */
export function fieldText(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  return typeof value === 'number' ? String(value) : '';
}

/**
 * Node-RED takes a validator's message (and the value as invalid) only from a validator that
 * declares two parameters, (value, options): from one with a single parameter a message is a
 * truthy answer, so the value counts as valid.
 */
export function withMessage(check: (this: EditorNode, value: unknown) => boolean | string): Validator {
  return function (this: EditorNode, value: unknown, options?: unknown) {
    void options;
    return check.call(this, value);
  };
}
