/** tie-dxl-service's editor. */
import { SETTINGS } from '../kit/settings';
import { settingValidator } from './common';
import { dxlNode, topicsValidator } from './dxl-node';
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
      timeout: { value: SETTINGS.serviceTimeout.blank, validate: settingValidator(RED, TYPE, SETTINGS.serviceTimeout) },
    },
    inputs: 0,
    outputs: 1,
    shows: (node) => node.serviceType || node.topics,
  });
}

export function register(RED: EditorRED): void {
  registerNode(RED, TYPE, definition(RED));
}
