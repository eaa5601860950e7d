/**
 * tie-dxl-request: a request to any DXL service on the tie-config connection; its answer in
 * msg.payload as text, JSON or a Buffer, an error response to Catch nodes with its code.
 */
import { chooseTopic, decodePayload, dxlFields, encodePayload } from '../kit/dxl-messages';
import type { NodeRedApi } from '../kit/node-red';
import { type InputMessage, evaluateTyped, linkInputNode, typedLabel } from '../kit/input';
import { registerFlowNode } from '../kit/values';
import { PROPERTIES, TYPE } from './properties';

export = function registerTieDxlRequest(RED: NodeRedApi): void {
  registerFlowNode(RED, TYPE, PROPERTIES, (node, settings) => {
    const linked = linkInputNode(RED, node, settings.connection, 'dxl');
    const { payload, format } = settings;
    const timeoutS = settings.timeout;
    const requestOptions = timeoutS === undefined ? {} : { timeoutMs: timeoutS * 1000 };

    node.on('input', (msg, send, done) => {
      const work = async (message: InputMessage) => {
        const topic = chooseTopic(settings.topic, msg.topic, 'publish');
        const bytes = encodePayload(await evaluateTyped(RED, node, msg, payload), typedLabel(payload));
        const dxl = linked.link.dxl();
        message.started();
        const response = await dxl.request(topic, bytes, requestOptions);
        return { topic, payload: decodePayload(response.payload, format, topic), dxl: dxlFields(response) };
      };
      linked.run(msg, send, done, work, (answer) => {
        msg.topic = answer.topic;
        msg.payload = answer.payload;
        msg.dxl = answer.dxl;
        return undefined;
      });
    });
  });
};
