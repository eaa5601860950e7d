/**
 * Which broker to try first: the broker list as concrete endpoints (host, port), ordered by how
 * quickly each answers a plain TCP connect.
 */
import net from 'node:net';
import type { BrokerAddress } from './config';

/** One concrete address to connect to. */
export interface BrokerEndpoint {
  host: string;
  port: number;
  id?: string;
}

/** Every (host, port) pair of the broker list, in order, without repeats. */
export function endpointsOf(brokers: readonly BrokerAddress[]): BrokerEndpoint[] {
  const seen = new Set<string>();
  const endpoints: BrokerEndpoint[] = [];
  for (const broker of brokers) {
    for (const host of broker.hosts) {
      const key = `${host}:${broker.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      endpoints.push(broker.id === undefined ? { host, port: broker.port } : { host, port: broker.port, id: broker.id });
    }
  }
  return endpoints;
}

function tcpConnectTime(endpoint: BrokerEndpoint, timeoutMs: number, signal?: AbortSignal): Promise<number> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const socket = net.connect({ host: endpoint.host, port: endpoint.port });
    const finish = (ms: number): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
      socket.destroy();
      resolve(ms);
    };
    const abort = (): void => finish(Number.POSITIVE_INFINITY);
    const timer = setTimeout(abort, timeoutMs);
    signal?.addEventListener('abort', abort);
    socket.once('connect', () => finish(Number(process.hrtime.bigint() - started) / 1e6));
    socket.once('error', () => finish(Number.POSITIVE_INFINITY));
  });
}

/**
 * Orders endpoints quickest first by a parallel plain TCP connect; those that did
 * not answer keep their list order at the end, so they are still tried.
 */
export async function orderByResponseTime(endpoints: BrokerEndpoint[], timeoutMs = 1000, signal?: AbortSignal): Promise<BrokerEndpoint[]> {
  if (endpoints.length < 2) return endpoints;
  const times = await Promise.all(endpoints.map((endpoint) => tcpConnectTime(endpoint, timeoutMs, signal)));
  return endpoints
    .map((endpoint, index) => ({ endpoint, time: times[index], index }))
    .sort((a, b) => (a.time === b.time ? a.index - b.index : a.time - b.time))
    .map((entry) => entry.endpoint);
}
