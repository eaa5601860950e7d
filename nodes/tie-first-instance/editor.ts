/** tie-first-instance's editor. */
import { plainEventNode } from '../editor/event-node';
import type { EditorRED, NodeTypeDefinition } from '../editor/red';
import { registerNode } from '../editor/connection';
import { PROPERTIES, TYPE } from './properties';

export function definition(RED: EditorRED): NodeTypeDefinition {
  return plainEventNode(RED, TYPE, PROPERTIES);
}

export function register(RED: EditorRED): void {
  registerNode(RED, TYPE, definition(RED));
}
