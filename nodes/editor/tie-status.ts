/** tie-status's editor: the connection it watches, nothing else. */
import { dxlNode } from './dxl-node';
import type { EditorRED, NodeTypeDefinition } from './red';
import { CONNECTION_SETTING, registerNode } from './connection';

const TYPE = 'tie-status';

export function definition(): NodeTypeDefinition {
  return dxlNode(TYPE, { defaults: { connection: CONNECTION_SETTING }, inputs: 1, outputs: 1 });
}

export function register(RED: EditorRED): void {
  registerNode(RED, TYPE, definition());
}
