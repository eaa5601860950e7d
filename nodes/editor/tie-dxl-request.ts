/** tie-dxl-request's editor. */
import { SETTINGS } from '../kit/settings';
import { settingValidator } from './common';
import { dxlNode, topicValidator } from './dxl-node';
import type { Dollar, EditorRED, NodeTypeDefinition } from './red';
import { CONNECTION_SETTING, registerNode } from './connection';
import { typed } from './typed-inputs';
import { typedSettings } from './request-node';

const TYPE = 'tie-dxl-request';
const PAYLOAD_TYPES = ['msg', 'flow', 'global', 'str', 'num', 'bool', 'json', 'bin', 'date', 'env', 'jsonata'];

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  const payload = typedSettings(RED, 'payload');
  return dxlNode(TYPE, {
    defaults: {
      connection: CONNECTION_SETTING,
      topic: { value: '', validate: topicValidator(RED, TYPE, 'publish', true) },
      ...payload,
      payload: { ...payload.payload, value: 'payload' },
      format: { value: 'text' },
      timeout: { value: '', validate: settingValidator(RED, TYPE, SETTINGS.dxlRequestTimeout) },
    },
    inputs: 1,
    outputs: 1,
    shows: (node) => node.topic,
    oneditprepare() {
      typed($, 'payload', PAYLOAD_TYPES);
      $('#node-input-timeout').attr('placeholder', this._('tie.placeholder.timeoutDefault'));
    },
  });
}

export function register(RED: EditorRED, $: Dollar): void {
  registerNode(RED, TYPE, definition(RED, $));
}
