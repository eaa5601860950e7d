/** tie-get-reputation's editor. */
import { nameOf, subjectOf } from './common';
import type { Dollar, EditorRED, NodeTypeDefinition } from './red';
import { registerNode } from './connection';
import { requestNode } from './request-node';

const TYPE = 'tie-get-reputation';

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  return requestNode(RED, $, TYPE, {
    defaults: { subject: { value: 'file' } },
    label() {
      return nameOf(this) ?? this._(`${TYPE}.default.${subjectOf(this)}`);
    },
  });
}

export function register(RED: EditorRED, $: Dollar): void {
  registerNode(RED, TYPE, definition(RED, $));
}
