/** A TLS server playing an MQTT broker that behaves (or misbehaves) as each test scripts it. */
import net from 'node:net';
import tls from 'node:tls';
import { type Packet, generate, parser } from 'mqtt-packet';
import { testPki } from '../../test-kit/pki-fixture';

export type { Packet } from 'mqtt-packet';

export interface ScriptedBroker {
  host: string;
  port: number;
  /** Every packet received, in order. */
  received: Packet[];
  close(): void;
}

/** One client's connection, as a script sees it. */
export interface ScriptedLink {
  /** Writes packets (or raw bytes) to the client. */
  send(reply: Packet | Buffer): void;
  /** Resets the TCP connection (RST): the client sees ECONNRESET. */
  reset: () => void;
}

export interface BrokerScript {
  /** Answers one packet from the client. */
  onPacket(packet: Packet, send: (reply: Packet | Buffer) => void, link: ScriptedLink): void;
}

/** The common script: CONNACK accepted, every subscription granted at QoS 0, pings answered. */
export function willingBroker(extra: BrokerScript['onPacket'] = () => undefined): BrokerScript {
  return {
    onPacket(packet, send, link) {
      if (packet.cmd === 'connect') send({ cmd: 'connack', returnCode: 0, sessionPresent: false });
      if (packet.cmd === 'subscribe') send({ cmd: 'suback', messageId: packet.messageId, granted: packet.subscriptions.map(() => 0) });
      if (packet.cmd === 'pingreq') send({ cmd: 'pingresp' });
      extra(packet, send, link);
    },
  };
}

export async function scriptedBroker(script: BrokerScript): Promise<ScriptedBroker> {
  const pki = testPki();
  const received: Packet[] = [];
  const sockets = new Set<tls.TLSSocket>();
  const context = tls.createSecureContext({ key: pki.broker.keyPem, cert: pki.broker.certPem, ca: pki.ca.certPem });
  // TLS over a TCP socket of our own, so that a script can reset the TCP connection itself.
  const server = net.createServer((raw) => {
    raw.on('error', () => undefined);
    const socket = new tls.TLSSocket(raw, { isServer: true, secureContext: context, requestCert: true, rejectUnauthorized: true });
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    const reader = parser({ protocolVersion: 4 });
    const send = (reply: Packet | Buffer): void => {
      if (!socket.destroyed) socket.write(Buffer.isBuffer(reply) ? reply : generate(reply));
    };
    const link: ScriptedLink = { send, reset: () => raw.resetAndDestroy() };
    reader.on('packet', (packet: Packet) => {
      received.push(packet);
      script.onPacket(packet, send, link);
    });
    reader.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => reader.parse(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: (server.address() as { port: number }).port,
    received,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
