/** tie-first-references' editor. */
import { subjectOf } from './common';
import type { Dollar, EditorRED, NodeTypeDefinition } from './red';
import { registerNode } from './connection';
import { requestNode } from './request-node';
import { NUMBER_TYPES, typed } from './typed-inputs';

const TYPE = 'tie-first-references';

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  return requestNode(RED, $, TYPE, {
    defaults: {
      subject: { value: 'file' },
      queryLimit: { value: 'queryLimit', validate: RED.validators.typedInput('queryLimitType') },
      queryLimitType: { value: 'msg' },
    },
    label() {
      return typeof this.name === 'string' && this.name ? this.name : this._(`${TYPE}.default.${subjectOf(this)}`);
    },
    oneditprepare() {
      typed($, 'queryLimit', NUMBER_TYPES);
    },
  });
}

export function register(RED: EditorRED, $: Dollar): void {
  registerNode(RED, TYPE, definition(RED, $));
}
