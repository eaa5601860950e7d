/**
 * One connection to one broker: the byte stream (MQTT over TLS, or over secure WebSockets,
 * optionally through a proxy), wrapped in the write coalescer and the received-size filter, with
 * one mqtt.js session on it (mqtt-session.ts).
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls, { type ConnectionOptions, type PeerCertificate } from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { WebSocket, createWebSocketStream } from 'ws';
import type { BrokerEndpoint } from './broker-probe';
import type { ProxySettings } from './config';
import { type ConnectionAttempt, type SessionSettings, startSession } from './mqtt-session';
import { PacketSizeFilter } from './packet-filter';
import { DEFAULT_MAX_MESSAGE_BYTES, receivedPacketLimit } from './packet-limits';
import { WriteCoalescer } from './write-coalescer';

export interface TransportSettings extends SessionSettings {
  ca: string | Buffer;
  cert: string | Buffer;
  key: string | Buffer;
  /** Passphrase of an encrypted private key. */
  passphrase?: string;
  webSockets: boolean;
  /** WebSockets only: an HTTP CONNECT proxy. */
  proxy?: ProxySettings;
  /** Check the broker certificate's host name too; DXL broker certificates rarely name their host. */
  checkHostName: boolean;
  /** The size bound of messages (packet-limits.ts); a packet received over it (and its headroom) is dropped unread. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Hears of each packet dropped for its size (undefined: a WebSocket message too big closed the connection). */
  onOversized?: (remainingLength: number | undefined) => void;
}

/**
 * Over WebSockets the ws library holds a whole WebSocket message before it hands it on; its
 * `maxPayload` bounds that, by closing the connection (1009), since a WebSocket message cannot be
 * skipped in the middle as an MQTT packet can. The headroom leaves room for the MQTT fixed header
 * and for brokers that put a few packets in one WebSocket message; an MQTT packet over the limit
 * within it is still skipped by the packet filter.
 */
const WEB_SOCKET_HEADROOM_BYTES = 64 * 1024;

/** A `checkServerIdentity` that accepts any host name: it ignores both the host and the certificate. */
const skipHostNameCheck: (host: string, cert: PeerCertificate) => Error | undefined = () => undefined;

function proxyAgent(proxy: ProxySettings): HttpsProxyAgent<string> {
  const credentials = proxy.user === undefined ? '' : `${encodeURIComponent(proxy.user)}:${encodeURIComponent(proxy.password ?? '')}@`;
  return new HttpsProxyAgent(`http://${credentials}${proxy.address}:${proxy.port}`);
}

function tlsOptions(endpoint: BrokerEndpoint, settings: TransportSettings): ConnectionOptions {
  return {
    ca: settings.ca,
    cert: settings.cert,
    key: settings.key,
    ...(settings.passphrase === undefined ? {} : { passphrase: settings.passphrase }),
    rejectUnauthorized: true,
    // SNI takes a host name only.
    ...(net.isIP(endpoint.host) ? {} : { servername: endpoint.host }),
    ...(settings.checkHostName ? {} : { checkServerIdentity: skipHostNameCheck }),
  };
}

/** The byte stream to the broker: MQTT over TLS, or MQTT over secure WebSockets (optionally through a proxy). */
function openStream(endpoint: BrokerEndpoint, settings: TransportSettings): Duplex {
  const secure = tlsOptions(endpoint, settings);
  if (!settings.webSockets) {
    const socket = tls.connect({ host: endpoint.host, port: endpoint.port, ...secure });
    socket.setNoDelay(true);
    return socket;
  }
  const host = net.isIPv6(endpoint.host) ? `[${endpoint.host}]` : endpoint.host;
  const subprotocol = settings.protocolVersion === 3 ? 'mqttv3.1' : 'mqtt';
  const socket = new WebSocket(`wss://${host}:${endpoint.port}/`, [subprotocol], {
    ...secure,
    maxPayload: receivedLimitOf(settings) + WEB_SOCKET_HEADROOM_BYTES,
    ...(settings.proxy ? { agent: proxyAgent(settings.proxy) } : {}),
  });
  return createWebSocketStream(socket);
}

/**
 * Opens one MQTT session to one broker: the stream here, MQTT by mqtt.js on it. Throws on material
 * or options that cannot be used (e.g. a key that does not match the certificate), before anything
 * is sent.
 */
export function openConnection(endpoint: BrokerEndpoint, settings: TransportSettings): ConnectionAttempt {
  const filter = new PacketSizeFilter(receivedLimitOf(settings), 'skip');
  const stream = new WriteCoalescer(openStream(endpoint, settings), filter, settings.onOversized ?? ignoreOversized);
  return startSession(stream, settings);
}

function receivedLimitOf(settings: TransportSettings): number {
  return receivedPacketLimit(settings.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
}

const ignoreOversized = (): void => undefined;
