/**
 * A TCP relay on loopback in front of a broker, for the fault tests: TLS stays end to end (the
 * relay only copies bytes). It counts and timestamps connection attempts (how a test sees the
 * client's backoff), and it can stop accepting (then the client gets ECONNREFUSED) and start again
 * on the same port (how a test decides when a restarted broker becomes reachable to one client),
 * or freeze its connections (a broker that vanished without closing anything).
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
  /**
   * Stops copying bytes either way on the open connections without closing them: the broker
   * seems to vanish (a cut cable, a frozen VM), which only keepalive can notice.
   */
  freeze(): void;
  /** Stops accepting and drops every connection. */
  close(): void;
}

export async function startRelay(target: { host: string; port: number }): Promise<Relay> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  const frozen = new Set<net.Socket>();
  const attempts: number[] = [];
  const relayConnection = (client: net.Socket): void => {
    attempts.push(Date.now());
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = (): void => {
      pairs.delete(pair);
      upstream.destroy();
      // A frozen connection stays silent to the client whatever the broker does.
      if (frozen.has(client)) return;
      client.destroy();
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
    freeze: () => {
      for (const { client, upstream } of pairs) {
        frozen.add(client);
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
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
      for (const client of frozen) client.destroy();
      frozen.clear();
    },
  };
}
