/** tie-first-references' editor. */
import { nameOf, subjectOf } from './common';
import type { Dollar, EditorRED, NodeTypeDefinition } from './red';
import { registerNode } from './connection';
import { requestNode, typedSettings } from './request-node';
import { NUMBER_TYPES, typed } from './typed-inputs';

const TYPE = 'tie-first-references';

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  return requestNode(RED, $, TYPE, {
    defaults: {
      ...typedSettings(RED, 'queryLimit'),
      subject: { value: 'file' },
    },
    label() {
      return nameOf(this) ?? this._(`${TYPE}.default.${subjectOf(this)}`);
    },
    oneditprepare() {
      typed($, 'queryLimit', NUMBER_TYPES);
    },
  });
}

export function register(RED: EditorRED, $: Dollar): void {
  registerNode(RED, TYPE, definition(RED, $));
}
