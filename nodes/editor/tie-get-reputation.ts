/** tie-get-reputation's editor. */
import { subjectOf } from './common';
import type { Dollar, EditorRED, NodeTypeDefinition } from './red';
import { registerNode } from './connection';
import { requestNode } from './request-node';

const TYPE = 'tie-get-reputation';

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  return requestNode(RED, $, TYPE, {
    defaults: { subject: { value: 'file' } },
    label() {
      return typeof this.name === 'string' && this.name ? this.name : this._(`${TYPE}.default.${subjectOf(this)}`);
    },
  });
}

export function register(RED: EditorRED, $: Dollar): void {
  registerNode(RED, TYPE, definition(RED, $));
}
