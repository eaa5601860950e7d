import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls, { type ConnectionOptions, type PeerCertificate } from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { WebSocket, createWebSocketStream } from 'ws';
import type { BrokerEndpoint } from './broker-probe';
import type { ProxySettings } from './config';
import { type SessionSettings, startSession } from './mqtt-session';
import type { ConnectionAttempt } from './session';
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
}

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
    ...(settings.proxy ? { agent: proxyAgent(settings.proxy) } : {}),
  });
  return createWebSocketStream(socket);
}

/**
 * Opens one MQTT session to one broker: the stream here (writes of one event-loop turn coalesced),
 * MQTT by mqtt.js on it. Throws on
 * material or options that cannot be used (e.g. a key that does not match the certificate), before
 * anything is sent.
 */
export function openConnection(endpoint: BrokerEndpoint, settings: TransportSettings): ConnectionAttempt {
  return startSession(new WriteCoalescer(openStream(endpoint, settings)), settings);
}

export type { ConnectionAttempt, MqttSession, SessionEvents } from './session';
export { SessionErrorCode } from './session';
