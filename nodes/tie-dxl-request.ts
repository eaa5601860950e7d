/**
 * tie-dxl-request: a request to any DXL service on the tie-config connection; its answer in
 * msg.payload as text, JSON or a Buffer, an error response to Catch nodes with its code.
 */
import { chooseTopic, decodePayload, dxlFields, encodePayload, payloadFormat } from './kit/dxl-messages';
import { nodeSetting } from './kit/values';
import type { NodeDefinition, NodeInstance, NodeRedApi } from './kit/node-red';
import { type InputMessage, type TypedValue, evaluateTyped, linkInputNode, typedLabel, typedOrMsg } from './kit/input';

interface DxlRequestDefinition extends NodeDefinition {
  connection?: string;
  /** The service's request topic; empty: msg.topic. */
  topic?: string;
  payload?: string;
  payloadType?: string;
  /** How the answer goes in msg.payload: text (default), json or buffer. */
  format?: string;
  /** Seconds; empty: the tie-config's request timeout. */
  timeout?: number | string;
}

export = function registerTieDxlRequest(RED: NodeRedApi): void {
  function TieDxlRequestNode(this: NodeInstance, definition: DxlRequestDefinition): void {
    RED.nodes.createNode(this, definition);
    start(this, definition);
  }

  function start(node: NodeInstance, definition: DxlRequestDefinition): void {
    const linked = linkInputNode(RED, node, definition.connection, 'dxl');
    const payload: TypedValue = typedOrMsg(definition.payload, definition.payloadType, 'payload');
    const format = payloadFormat(definition.format);
    const timeoutS = nodeSetting(RED, node, 'dxlRequestTimeout', definition.timeout);
    const requestOptions = timeoutS === undefined ? {} : { timeoutMs: timeoutS * 1000 };

    node.on('input', (msg, send, done) => {
      const work = async (message: InputMessage) => {
        const topic = chooseTopic(definition.topic, msg.topic, 'publish');
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
  }
  RED.nodes.registerType('tie-dxl-request', TieDxlRequestNode);
};
