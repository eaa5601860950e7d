/**
 * The TIE service of the fault tests: the TIE simulator on a DXL client of ours, connected to the
 * broker directly (not through the relay), answering each request after a delay so that requests
 * are in flight whenever a fault strikes. Its client reconnects quickly and re-registers the
 * service on every connection, which is what the tests check comes back after a broker restart.
 */
import type { DxlMessaging } from '../../../src/dxl/api';
import { DxlClient } from '../../../src/dxl/client';
import type { DxlMessage, DxlPayload } from '../../../src/dxl/message';
import { TieSimulator } from '../../../src/fabric/tie-simulator';
import { TieClient } from '../../../src/tie/client';
import { NOTEPAD } from '../../support/node-red-samples';
import type { Pem } from './brokers';

/** The same client, with responses held back `delayMs`. */
function answeringLate(dxl: DxlClient, delayMs: number, timers: Set<NodeJS.Timeout>): DxlMessaging {
  const later = (send: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, delayMs);
    timers.add(timer);
  };
  return {
    clientId: dxl.clientId,
    request: (topic, payload, options) => dxl.request(topic, payload, options),
    sendEvent: (topic, payload, options) => dxl.sendEvent(topic, payload, options),
    subscribe: (topic, handler) => dxl.subscribe(topic, handler),
    registerService: (info) => dxl.registerService(info),
    sendResponse: (request: DxlMessage, payload: DxlPayload) => later(() => dxl.sendResponse(request, payload)),
    sendErrorResponse: (request: DxlMessage, code: number, text: string) => later(() => dxl.sendErrorResponse(request, code, text)),
  };
}

export interface ServicePeer {
  readonly dxl: DxlClient;
  readonly simulator: TieSimulator;
  /** Resolves once the peer's own lookup through the broker is answered by its service: registered again. */
  serving(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startServicePeer(
  broker: { host: string; port: number; pem: Pem },
  options: { responseDelayMs?: number } = {},
): Promise<ServicePeer> {
  const dxl = new DxlClient({
    brokers: [{ host: broker.host, port: broker.port }],
    ca: broker.pem.ca,
    cert: broker.pem.cert,
    key: broker.pem.key,
    probeBrokers: false,
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    registrationTimeoutMs: 500,
    logger: { warn: () => undefined },
  });
  const timers = new Set<NodeJS.Timeout>();
  await dxl.connect({ timeoutMs: 10_000 });
  const simulator = new TieSimulator(answeringLate(dxl, options.responseDelayMs ?? 0, timers), {});
  await simulator.start();
  const tie = new TieClient(dxl, { requestTimeoutMs: 1000 });
  return {
    dxl,
    simulator,
    serving: async (timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          await tie.getFileReputation(NOTEPAD);
          return;
        } catch (error) {
          if (Date.now() > deadline)
            throw new Error(`the TIE service did not come back within ${timeoutMs} ms: ${(error as Error).message}`, { cause: error });
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      await simulator.close();
      await tie.close();
      await dxl.close();
    },
  };
}
