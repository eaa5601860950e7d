/** tie-dxl-event-in's editor. */
import { dxlNode, topicValidator } from './dxl-node';
import type { EditorRED, NodeTypeDefinition } from './red';
import { CONNECTION_SETTING, registerNode } from './connection';

const TYPE = 'tie-dxl-event-in';

export function definition(RED: EditorRED): NodeTypeDefinition {
  return dxlNode(TYPE, {
    defaults: {
      connection: CONNECTION_SETTING,
      topic: { value: '', required: true, validate: topicValidator(RED, TYPE, 'subscribe', false) },
      format: { value: 'text' },
    },
    inputs: 0,
    outputs: 1,
    shows: (node) => node.topic,
  });
}

export function register(RED: EditorRED): void {
  registerNode(RED, TYPE, definition(RED));
}
