/** tie-dxl-event-out's editor. */
import { dxlNode, topicValidator } from './dxl-node';
import type { EditorRED, NodeTypeDefinition } from './red';
import { CONNECTION_SETTING, registerNode } from './connection';

const TYPE = 'tie-dxl-event-out';

export function definition(RED: EditorRED): NodeTypeDefinition {
  return dxlNode(TYPE, {
    defaults: { connection: CONNECTION_SETTING, topic: { value: '', validate: topicValidator(RED, TYPE, 'publish', true) } },
    inputs: 1,
    outputs: 0,
    shows: (node) => node.topic,
  });
}

export function register(RED: EditorRED): void {
  registerNode(RED, TYPE, definition(RED));
}
