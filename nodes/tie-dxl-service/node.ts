/**
 * tie-dxl-service: offers a DXL service on the tie-config connection. Each request goes on as a
 * msg for the flow to answer with a tie-dxl-response node; one not answered in time gets an
 * error response.
 */
import { DEFAULT_SERVICE_MAX_PENDING, SETTINGS } from '../kit/settings';
import { setupServiceNode, trackFlowStops } from '../kit/service-node';
import type { NodeRedApi } from '../kit/node-red';
import { registerFlowNode } from '../kit/values';
import { DEFAULT_SERVICE_TYPE, PROPERTIES, TYPE } from './properties';

export = function registerTieDxlService(RED: NodeRedApi): void {
  // A stopping service node needs to know whether its flow stops with it.
  trackFlowStops(RED);

  registerFlowNode(RED, TYPE, PROPERTIES, (node, settings) => {
    setupServiceNode(RED, node, settings.connection, {
      serviceType: settings.serviceType || DEFAULT_SERVICE_TYPE,
      topics: settings.topics,
      format: settings.format,
      timeoutMs: (settings.timeout ?? SETTINGS.serviceTimeout.blank) * 1000,
      maxPending: settings.maxPending ?? DEFAULT_SERVICE_MAX_PENDING,
    });
  });
};
