/** tie-dxl-response's editor: no connection (the msg says which request it answers), as HTTP response. */
import { DEFAULT_ERROR_RESPONSE_CODE } from '../kit/settings';
import { dxlNode } from './dxl-node';
import type { Dollar, EditorRED, NodeTypeDefinition } from './red';
import { NUMBER_TYPES, TEXT_TYPES, typed } from './typed-inputs';

const TYPE = 'tie-dxl-response';

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  return dxlNode(TYPE, {
    defaults: {
      respond: { value: 'payload' },
      errorCode: { value: String(DEFAULT_ERROR_RESPONSE_CODE), validate: RED.validators.typedInput('errorCodeType') },
      errorCodeType: { value: 'num' },
      errorMessage: { value: 'payload', validate: RED.validators.typedInput('errorMessageType') },
      errorMessageType: { value: 'msg' },
    },
    inputs: 1,
    outputs: 0,
    shows: (node) => (node.respond === 'error' ? node._(`${TYPE}.errorLabel`) : undefined),
    oneditprepare() {
      typed($, 'errorCode', NUMBER_TYPES);
      typed($, 'errorMessage', TEXT_TYPES);
      const showErrorRows = (): void => {
        $('.tie-dxl-error-rows').toggle($('#node-input-respond').val() === 'error');
      };
      $('#node-input-respond').on('change', showErrorRows);
      showErrorRows();
    },
  });
}

export function register(RED: EditorRED, $: Dollar): void {
  RED.nodes.registerType(TYPE, definition(RED, $));
}
