/** tie-dxl-event-in's editor. */
import { dxlNode, topicValidator } from '../editor/dxl-node';
import type { Dollar, EditorRED, NodeTypeDefinition } from '../editor/red';
import { registerNode } from '../editor/connection';
import { PROPERTIES, TYPE } from './properties';

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  const checks = { topic: topicValidator(RED, TYPE, 'subscribe', false) };
  return dxlNode(RED, $, TYPE, PROPERTIES, { inputs: 0, outputs: 1, checks, shows: (node) => node.topic });
}

export function register(RED: EditorRED, $: Dollar): void {
  registerNode(RED, TYPE, definition(RED, $));
}
