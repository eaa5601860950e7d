/** tie-dxl-event-in: DXL events on a topic (a trailing # takes every topic below it), exactly once across redeploys. */
import { payloadFormat } from '../src/flow/dxl-messages';
import { dxlEventSource } from '../src/flow/events';
import { type EventNodeDefinition, setupEventNode } from './shared/event-node';
import type { NodeInstance, NodeRedApi } from './shared/node-red-types';

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
