/** tie-dxl-event-in: DXL events on a topic (a trailing # takes every topic below it), exactly once across redeploys. */
import { payloadFormat } from './kit/dxl-messages';
import { dxlEventSource } from './kit/event-sources';
import { type EventNodeDefinition, setupEventNode } from './kit/event-node';
import type { NodeInstance, NodeRedApi } from './kit/node-red';

interface DxlEventInDefinition extends EventNodeDefinition {
  topic?: string;
  /** How each event's payload goes in msg.payload: text (default), json or buffer. */
  format?: string;
}

export = function registerTieDxlEventIn(RED: NodeRedApi): void {
  function TieDxlEventInNode(this: NodeInstance, definition: DxlEventInDefinition): void {
    RED.nodes.createNode(this, definition);
    setupEventNode(RED, this, definition, [dxlEventSource(definition.topic ?? '', payloadFormat(definition.format))]);
  }
  RED.nodes.registerType('tie-dxl-event-in', TieDxlEventInNode);
};
