/** tie-dxl-event-out's editor. */
import { CONNECTION, dxlNode, topicValidator } from './dxl-node';
import type { EditorRED, NodeTypeDefinition } from './red';
import { registerNode } from './connection';

const TYPE = 'tie-dxl-event-out';

export function definition(RED: EditorRED): NodeTypeDefinition {
  return dxlNode(TYPE, {
    defaults: { ...CONNECTION, topic: { value: '', validate: topicValidator(RED, TYPE, 'publish', true) } },
    inputs: 1,
    outputs: 0,
    shows: (node) => node.topic,
  });
}

export function register(RED: EditorRED): void {
  registerNode(RED, TYPE, definition(RED));
}
