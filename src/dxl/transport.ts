import type { PeerCertificate } from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { BrokerEndpoint } from './broker-probe';
import type { ProxySettings } from './config';
import { BROKER_CLOSED } from './connection-state';

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

function clientOptions(endpoint: BrokerEndpoint, settings: TransportSettings): IClientOptions {
  const tls = {
    ca: settings.ca,
    cert: settings.cert,
    key: settings.key,
    ...(settings.passphrase === undefined ? {} : { passphrase: settings.passphrase }),
    rejectUnauthorized: true,
    ...(settings.checkHostName ? {} : { checkServerIdentity: skipHostNameCheck }),
  };
  return {
    protocol: settings.webSockets ? 'wss' : 'mqtts',
    host: endpoint.host,
    port: endpoint.port,
    ...(settings.webSockets
      ? { path: '/', wsOptions: { ...tls, ...(settings.proxy ? { agent: proxyAgent(settings.proxy) } : {}) } }
      : tls),
    clientId: settings.clientId,
    protocolId: settings.protocolVersion === 3 ? 'MQIsdp' : 'MQTT',
    protocolVersion: settings.protocolVersion,
    clean: true,
    keepalive: settings.keepaliveSec,
    connectTimeout: settings.connectTimeoutMs,
    // Reconnection, broker choice and re-subscription are the DxlClient's job.
    reconnectPeriod: 0,
    resubscribe: false,
    queueQoSZero: false,
  };
}

export interface ConnectionAttempt {
  /** The client, for aborting the attempt with `end(true)`. */
  client: MqttClient;
  /** Resolves once the broker accepted the connection (CONNACK); rejects with the error that ended the attempt. */
  accepted: Promise<MqttClient>;
}

/** Opens one MQTT connection to one broker. */
export function openConnection(endpoint: BrokerEndpoint, settings: TransportSettings): ConnectionAttempt | Error {
  let client: MqttClient;
  try {
    client = mqtt.connect(clientOptions(endpoint, settings));
  } catch (error) {
    // Bad TLS material (e.g. a key that does not match the certificate) throws here.
    return error as Error;
  }
  const accepted = new Promise<MqttClient>((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (error: Error): void => {
      lastError = error;
    };
    const onClose = (): void => {
      cleanup();
      client.end(true);
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
