/**
 * tie-dxl-response: answers the DXL request a msg from a tie-dxl-service node carries, with
 * msg.payload or with an error code and message (as HTTP response answers HTTP in).
 */
import { REQUEST_KEY_PROPERTY, answerRequest, errorCodeOf, errorMessageOf } from './kit/service-node';
import { encodePayload } from './kit/dxl-messages';
import { DEFAULT_ERROR_RESPONSE_CODE } from './kit/settings';
import { type TypedValue, evaluateTyped, finishMessage, typedLabel, typedOrMsg } from './kit/input';
import type { NodeDefinition, NodeInstance, NodeRedApi } from './kit/node-red';
import { AnswerActivity, statusDisplay } from './kit/status';

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
    const display = statusDisplay(RED, node, () => activity.status());
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
        const text = errorMessageOf(await evaluateTyped(RED, node, msg, errorMessage), typedLabel(errorMessage));
        return answerRequest(msg[REQUEST_KEY_PROPERTY], { errorCode: code, errorMessage: text });
      };
      finishMessage(work(), msg, undefined, done, {
        succeeded: () => {
          activity.answered();
          display.changed();
        },
        failed: (failure) => {
          activity.failed(failure.code);
          display.changed();
        },
      });
    });
  }
  RED.nodes.registerType('tie-dxl-response', TieDxlResponseNode);
};
