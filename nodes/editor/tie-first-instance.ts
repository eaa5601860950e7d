/** tie-first-instance's editor. */
import { plainEventNode } from './event-node';
import type { EditorRED, NodeTypeDefinition } from './red';
import { registerNode } from './connection';

const TYPE = 'tie-first-instance';

export function definition(): NodeTypeDefinition {
  return plainEventNode(TYPE);
}

export function register(RED: EditorRED): void {
  registerNode(RED, TYPE, definition());
}
