/** tie-dxl-service's editor. */
import { DEFAULT_SERVICE_ANSWER_TIMEOUT_S } from '../kit/limits';
import { dxlNode, timeoutValidator, topicsValidator } from './dxl-node';
import type { EditorRED, NodeTypeDefinition } from './red';
import { CONNECTION_SETTING, registerNode } from './connection';

const TYPE = 'tie-dxl-service';

export function definition(RED: EditorRED): NodeTypeDefinition {
  return dxlNode(TYPE, {
    defaults: {
      connection: CONNECTION_SETTING,
      serviceType: { value: '' },
      topics: { value: '', required: true, validate: topicsValidator(RED, TYPE) },
      format: { value: 'text' },
      timeout: { value: DEFAULT_SERVICE_ANSWER_TIMEOUT_S, validate: timeoutValidator(RED, TYPE, false) },
    },
    inputs: 0,
    outputs: 1,
    shows: (node) => node.serviceType || node.topics,
  });
}

export function register(RED: EditorRED): void {
  registerNode(RED, TYPE, definition(RED));
}
