/** tie-reputation-change's editor: file and/or certificate reputation changes, optionally filtered. */
import { eventNode } from '../editor/event-node';
import { nameOf } from '../editor/common';
import type { EditorRED, NodeTypeDefinition } from '../editor/red';
import { registerNode } from '../editor/connection';
import { choiceOf } from '../kit/properties';
import { PROPERTIES, TYPE } from './properties';

export function definition(RED: EditorRED): NodeTypeDefinition {
  return eventNode(RED, TYPE, PROPERTIES, function () {
    const name = nameOf(this);
    if (name !== undefined) return name;
    const label = this._(`${TYPE}.default.${choiceOf(PROPERTIES.subject, this.subject)}`);
    const filter = choiceOf(PROPERTIES.filter, this.filter);
    return filter === 'all' ? label : `${label} (${this._(`${TYPE}.filter.${filter}`)})`;
  });
}

export function register(RED: EditorRED): void {
  registerNode(RED, TYPE, definition(RED));
}
