/**
 * tie-dxl-response: answers the DXL request a msg from a tie-dxl-service node carries, with
 * msg.payload or with an error code and message (as HTTP response answers HTTP in).
 */
import { REQUEST_KEY_PROPERTY, answerRequest, errorCodeOf, errorMessageOf } from '../kit/service-node';
import { encodePayload } from '../kit/dxl-messages';
import { evaluateTyped, finishMessage, typedLabel } from '../kit/input';
import type { NodeRedApi } from '../kit/node-red';
import { AnswerActivity, statusDisplay } from '../kit/status';
import { registerFlowNode } from '../kit/values';
import { PROPERTIES, TYPE } from './properties';

export = function registerTieDxlResponse(RED: NodeRedApi): void {
  registerFlowNode(RED, TYPE, PROPERTIES, (node, settings) => {
    const display = statusDisplay(RED, node, () => activity.status());
    const asError = settings.respond === 'error';
    const { errorCode, errorMessage } = settings;
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
  });
};
