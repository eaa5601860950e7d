/** tie-dxl-event-out: sends msg.payload as a DXL event on the node's topic, or on msg.topic. */
import { chooseTopic, encodePayload } from '../kit/dxl-messages';
import { linkInputNode } from '../kit/input';
import type { NodeDefinition, NodeInstance, NodeRedApi } from '../kit/node-red';
import type { PropertyValues } from '../kit/properties';
import { readNodeProperties } from '../kit/values';
import { PROPERTIES, TYPE } from './properties';

export = function registerTieDxlEventOut(RED: NodeRedApi): void {
  function TieDxlEventOutNode(this: NodeInstance, definition: NodeDefinition): void {
    RED.nodes.createNode(this, definition);
    start(this, readNodeProperties(RED, this, PROPERTIES, definition));
  }

  function start(node: NodeInstance, settings: PropertyValues<typeof PROPERTIES>): void {
    const linked = linkInputNode(RED, node, settings.connection, 'dxl');

    node.on('input', (msg, _send, done) => {
      const work = async () => {
        const topic = chooseTopic(settings.topic, msg.topic, 'publish');
        const bytes = encodePayload(msg.payload, 'msg.payload');
        await linked.link.dxl().sendEvent(topic, bytes);
      };
      linked.run(msg, undefined, done, work, () => undefined);
    });
  }
  RED.nodes.registerType(TYPE, TieDxlEventOutNode);
};
