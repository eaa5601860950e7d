/** tie-status's editor: the connection it watches, nothing else. */
import { dxlNode } from '../editor/dxl-node';
import type { Dollar, EditorRED, NodeTypeDefinition } from '../editor/red';
import { registerNode } from '../editor/connection';
import { PROPERTIES, TYPE } from './properties';

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  return dxlNode(RED, $, TYPE, PROPERTIES, { inputs: 1, outputs: 1 });
}

export function register(RED: EditorRED, $: Dollar): void {
  registerNode(RED, TYPE, definition(RED, $));
}
