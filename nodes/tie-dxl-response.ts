/**
 * tie-dxl-response: answers the DXL request a msg from a tie-dxl-service node carries, with
 * msg.payload or with an error code and message (as HTTP response answers HTTP in).
 */
import { REQUEST_KEY_PROPERTY, answerRequest, errorCodeOf } from '../src/flow/dxl-service';
import { encodePayload } from '../src/flow/dxl-messages';
import { DEFAULT_ERROR_RESPONSE_CODE } from '../src/flow/limits';
import { AnswerActivity } from '../src/flow/status';
import { parseText } from '../src/flow/values';
import { endInput } from './shared/input-end';
import type { NodeDefinition, NodeInstance, NodeRedApi } from './shared/node-red-types';
import { translator } from './shared/node-text';
import { statusSetter } from './shared/node-status';
import { type TypedValue, evaluateTyped, typedLabel, typedOrMsg } from './shared/typed-input';

interface DxlResponseDefinition extends NodeDefinition {
  /** `payload` (default): a response carrying msg.payload; `error`: an error response. */
  respond?: string;
  errorCode?: string;
  errorCodeType?: string;
  errorMessage?: string;
  errorMessageType?: string;
}

export = function registerTieDxlResponse(RED: NodeRedApi): void {
  function TieDxlResponseNode(this: NodeInstance, definition: DxlResponseDefinition): void {
    RED.nodes.createNode(this, definition);
    start(this, definition);
  }

  function start(node: NodeInstance, definition: DxlResponseDefinition): void {
    const setStatus = statusSetter(node, translator(RED));
    const asError = definition.respond === 'error';
    const errorCode: TypedValue = definition.errorCodeType
      ? { value: definition.errorCode, type: definition.errorCodeType }
      : { value: String(DEFAULT_ERROR_RESPONSE_CODE), type: 'num' };
    const errorMessage: TypedValue = typedOrMsg(definition.errorMessage, definition.errorMessageType, 'payload');
    const activity = new AnswerActivity();

    node.on('input', (msg, _send, done) => {
      const work = async () => {
        if (!asError) return answerRequest(msg[REQUEST_KEY_PROPERTY], { payload: encodePayload(msg.payload, 'msg.payload') });
        const code = errorCodeOf(await evaluateTyped(RED, node, msg, errorCode));
        const text = parseText(await evaluateTyped(RED, node, msg, errorMessage), typedLabel(errorMessage));
        return answerRequest(msg[REQUEST_KEY_PROPERTY], { errorCode: code, errorMessage: text });
      };
      endInput(work(), msg, undefined, done, {
        succeeded: () => {
          activity.answered();
          setStatus(activity.status());
        },
        failed: (failure) => {
          activity.failed(failure.code);
          setStatus(activity.status());
        },
      });
    });
  }
  RED.nodes.registerType('tie-dxl-response', TieDxlResponseNode);
};
