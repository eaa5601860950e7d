/** tie-dxl-event-out: sends msg.payload as a DXL event on the node's topic, or on msg.topic. */
import { chooseTopic, encodePayload } from './kit/dxl-messages';
import { linkInputNode } from './kit/input';
import type { NodeDefinition, NodeInstance, NodeRedApi } from './kit/node-red';

interface DxlEventOutDefinition extends NodeDefinition {
  connection?: string;
  /** The event's topic; empty: msg.topic. */
  topic?: string;
}

export = function registerTieDxlEventOut(RED: NodeRedApi): void {
  function TieDxlEventOutNode(this: NodeInstance, definition: DxlEventOutDefinition): void {
    RED.nodes.createNode(this, definition);
    start(this, definition);
  }

  function start(node: NodeInstance, definition: DxlEventOutDefinition): void {
    const linked = linkInputNode(RED, node, definition.connection, 'dxl');

    node.on('input', (msg, _send, done) => {
      const work = async () => {
        const topic = chooseTopic(definition.topic, msg.topic, 'publish');
        const bytes = encodePayload(msg.payload, 'msg.payload');
        await linked.link.dxl().sendEvent(topic, bytes);
      };
      linked.run(msg, undefined, done, work, () => undefined);
    });
  }
  RED.nodes.registerType('tie-dxl-event-out', TieDxlEventOutNode);
};
