/** tie-dxl-service's editor. */
import { dxlNode, topicsValidator } from '../editor/dxl-node';
import type { Dollar, EditorRED, NodeTypeDefinition } from '../editor/red';
import { registerNode } from '../editor/connection';
import { PROPERTIES, TYPE } from './properties';

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  const checks = { topics: topicsValidator(RED, TYPE) };
  return dxlNode(RED, $, TYPE, PROPERTIES, { inputs: 0, outputs: 1, checks, shows: (node) => node.serviceType || node.topics });
}

export function register(RED: EditorRED, $: Dollar): void {
  registerNode(RED, TYPE, definition(RED, $));
}
