/** tie-dxl-event-out's editor. */
import { dxlNode, topicValidator } from '../editor/dxl-node';
import type { Dollar, EditorRED, NodeTypeDefinition } from '../editor/red';
import { registerNode } from '../editor/connection';
import { PROPERTIES, TYPE } from './properties';

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  const checks = { topic: topicValidator(RED, TYPE, 'publish', true) };
  return dxlNode(RED, $, TYPE, PROPERTIES, { inputs: 1, outputs: 0, checks, shows: (node) => node.topic });
}

export function register(RED: EditorRED, $: Dollar): void {
  registerNode(RED, TYPE, definition(RED, $));
}
