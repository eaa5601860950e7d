/** tie-reputation-change's editor: file and/or certificate reputation changes, optionally filtered. */
import { eventNode } from './event-node';
import { nameOf } from './common';
import type { EditorRED, NodeTypeDefinition } from './red';
import { registerNode } from './connection';

const TYPE = 'tie-reputation-change';
const SUBJECTS = ['file', 'certificate', 'both'];

export function definition(): NodeTypeDefinition {
  return eventNode(TYPE, {
    defaults: { subject: { value: 'file' }, filter: { value: 'all' } },
    label() {
      const name = nameOf(this);
      if (name !== undefined) return name;
      const subject = typeof this.subject === 'string' && SUBJECTS.includes(this.subject) ? this.subject : 'file';
      const label = this._(`${TYPE}.default.${subject}`);
      return typeof this.filter === 'string' && this.filter !== 'all' ? `${label} (${this._(`${TYPE}.filter.${this.filter}`)})` : label;
    },
  });
}

export function register(RED: EditorRED): void {
  registerNode(RED, TYPE, definition());
}
