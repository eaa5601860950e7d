/** tie-dxl-event-out: sends msg.payload as a DXL event on the node's topic, or on msg.topic. */
import { chooseTopic, encodePayload } from '../kit/dxl-messages';
import { linkInputNode } from '../kit/input';
import type { NodeRedApi } from '../kit/node-red';
import { registerFlowNode } from '../kit/values';
import { PROPERTIES, TYPE } from './properties';

export = function registerTieDxlEventOut(RED: NodeRedApi): void {
  registerFlowNode(RED, TYPE, PROPERTIES, (node, settings) => {
    const linked = linkInputNode(RED, node, settings.connection, 'dxl');

    node.on('input', (msg, _send, done) => {
      const work = async () => {
        const topic = chooseTopic(settings.topic, msg.topic, 'publish');
        const bytes = encodePayload(msg.payload, 'msg.payload');
        await linked.link.dxl().sendEvent(topic, bytes);
      };
      linked.run(msg, undefined, done, work, () => undefined);
    });
  });
};
