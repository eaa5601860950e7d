import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls, { type ConnectionOptions, type PeerCertificate } from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { WebSocket, createWebSocketStream } from 'ws';
import type { BrokerEndpoint } from './broker-probe';
import type { ProxySettings } from './config';
import { BROKER_CLOSED } from './connection-state';
import { MqttConnection } from './mqtt/connection';
import { connectPacket } from './mqtt/packets';

export interface TransportSettings {
  clientId: string;
  ca: string | Buffer;
  cert: string | Buffer;
  key: string | Buffer;
  /** Passphrase of an encrypted private key. */
  passphrase?: string;
  /** 4 = MQTT 3.1.1 (default), 3 = MQTT 3.1 as the official JS client sends. */
  protocolVersion: 3 | 4;
  webSockets: boolean;
  /** WebSockets only: an HTTP CONNECT proxy. */
  proxy?: ProxySettings;
  /** Check the broker certificate's host name too; DXL broker certificates rarely name their host. */
  checkHostName: boolean;
  keepaliveSec: number;
  connectTimeoutMs: number;
}

const skipHostNameCheck = (_host: string, _cert: PeerCertificate): Error | undefined => undefined;

function proxyAgent(proxy: ProxySettings): HttpsProxyAgent<string> {
  const credentials =
    proxy.user === undefined ? '' : `${encodeURIComponent(proxy.user)}:${encodeURIComponent(proxy.password ?? '')}@`;
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

export interface ConnectionAttempt {
  /** The connection, for aborting the attempt with `end(true)`. */
  client: MqttConnection;
  /** Resolves once the broker accepted the connection (CONNACK); rejects with the error that ended the attempt. */
  accepted: Promise<MqttConnection>;
}

/** Opens one MQTT connection to one broker. */
export function openConnection(endpoint: BrokerEndpoint, settings: TransportSettings): ConnectionAttempt | Error {
  let client: MqttConnection;
  try {
    // CONNECT first: options it cannot carry fail before a socket is opened.
    const connect = connectPacket(settings);
    client = new MqttConnection(openStream(endpoint, settings), settings, connect);
  } catch (error) {
    // Bad TLS material (e.g. a key that does not match the certificate) throws here.
    return error as Error;
  }
  const accepted = new Promise<MqttConnection>((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (error: Error): void => {
      lastError = error;
    };
    const onClose = (): void => {
      cleanup();
      reject(lastError ?? Object.assign(new Error('connection closed by the broker before it accepted us'), { code: BROKER_CLOSED }));
    };
    const onConnect = (): void => {
      cleanup();
      resolve(client);
    };
    const cleanup = (): void => {
      client.removeListener('close', onClose);
      client.removeListener('connect', onConnect);
      client.removeListener('error', onError);
    };
    client.on('error', onError);
    client.on('close', onClose);
    client.on('connect', onConnect);
  });
  return { client, accepted };
}
