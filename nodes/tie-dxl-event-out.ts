/** tie-dxl-event-out: sends msg.payload as a DXL event on the node's topic, or on msg.topic. */
import { chooseTopic, encodePayload } from '../src/flow/dxl-messages';
import { NO_CONFIG_STATUS, RequestActivity } from '../src/flow/status';
import { linkToConfig } from './shared/config-link';
import { endInput } from './shared/input-end';
import type { NodeDefinition, NodeInstance, NodeRedApi } from './shared/node-red-types';
import { translator } from './shared/node-text';
import { statusSetter } from './shared/node-status';

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
    const setStatus = statusSetter(node, translator(RED));
    const activity = new RequestActivity('dxl');
    const link = linkToConfig(RED, node, definition.connection, (state) => setStatus(activity.status(state)));
    const refresh = (): void => setStatus(link.connection ? activity.status(link.state) : NO_CONFIG_STATUS);
    if (!link.connection) setStatus(NO_CONFIG_STATUS);

    node.on('input', (msg, _send, done) => {
      const work = async () => {
        const topic = chooseTopic(definition.topic, msg.topic, 'publish');
        const bytes = encodePayload(msg.payload, 'msg.payload');
        await link.dxl().sendEvent(topic, bytes);
      };
      endInput(work(), msg, undefined, done, {
        succeeded: () => {
          activity.finished({}, false);
          refresh();
        },
        failed: (failure) => {
          activity.finished({ errorCode: failure.code }, false);
          refresh();
        },
      });
    });

    node.on('close', (removed, done) => {
      link.release(removed).then(
        () => done(),
        () => done(),
      );
    });
  }
  RED.nodes.registerType('tie-dxl-event-out', TieDxlEventOutNode);
};
