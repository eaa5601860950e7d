/**
 * A TCP relay on loopback in front of a broker, for the fault tests: TLS stays end to end (the
 * relay only copies bytes). It counts and timestamps connection attempts (how a test sees the
 * client's backoff), and it can stop accepting (then the client gets ECONNREFUSED) and start again
 * on the same port (how a test decides when a restarted broker becomes reachable to one client).
 */
import net from 'node:net';

export interface Relay {
  readonly port: number;
  /** When each connection reached the relay (Date.now()). */
  readonly attempts: number[];
  /** Open relayed connections. */
  readonly open: number;
  /** Stops accepting; open connections stay (they end when the broker's side ends). */
  refuse(): void;
  /** Accepts again on the same port. */
  accept(): Promise<void>;
  /** Stops accepting and drops every connection. */
  close(): void;
}

export async function startRelay(target: { host: string; port: number }): Promise<Relay> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  const attempts: number[] = [];
  const relayConnection = (client: net.Socket): void => {
    attempts.push(Date.now());
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', drop);
      socket.on('close', drop);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  };
  let server: net.Server | undefined;
  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const created = net.createServer(relayConnection);
      created.once('error', reject);
      created.listen(port, '127.0.0.1', () => {
        created.off('error', reject);
        server = created;
        resolve((created.address() as net.AddressInfo).port);
      });
    });
  const refuse = (): void => {
    server?.close();
    server = undefined;
  };
  const port = await listen(0);
  return {
    port,
    attempts,
    get open() {
      return pairs.size;
    },
    refuse,
    accept: async () => {
      if (server === undefined) await listen(port);
    },
    close: () => {
      refuse();
      for (const pair of [...pairs]) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      pairs.clear();
    },
  };
}
