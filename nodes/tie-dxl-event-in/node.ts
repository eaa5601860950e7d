/** tie-dxl-event-in: DXL events on a topic (a trailing # takes every topic below it), exactly once across redeploys. */
import { dxlEventSource } from '../kit/event-sources';
import { registerEventNode } from '../kit/event-node';
import type { NodeRedApi } from '../kit/node-red';
import { PROPERTIES, TYPE } from './properties';

export = function registerTieDxlEventIn(RED: NodeRedApi): void {
  registerEventNode(RED, TYPE, PROPERTIES, ({ topic, format }) => [dxlEventSource(topic, format)]);
};
