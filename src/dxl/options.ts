/** What a DxlClient is made with: its options, checked and defaulted once, in the shape its parts use. */
import { type BrokerEndpoint, endpointsOf } from './broker-probe';
import { type ValidityWindow, validityOf } from './client-certificate';
import type { BrokerAddress, ProxySettings } from './config';
import { DxlError, DxlErrorCode } from './errors';
import { newDxlId } from './ids';
import { DEFAULT_LOG_INTERVAL_MS } from './interval-log';
import {
  DEFAULT_KEEPALIVE_S,
  DEFAULT_RECONNECT_DELAY_MS,
  DEFAULT_RECONNECT_MAX_DELAY_MS,
  DEFAULT_REQUEST_TIMEOUT_S,
  MQTT_KEEPALIVE_S,
  describeKind,
  readNumber,
} from './numbers';
import { DEFAULT_MAX_MESSAGE_BYTES } from './packet-limits';
import type { TransportSettings } from './transport';

export interface DxlLogger {
  warn(message: string): void;
  debug?(message: string): void;
}

export interface DxlClientOptions {
  /** Brokers in preference order; each may list several host names or addresses. */
  brokers: ReadonlyArray<BrokerAddress | { host: string; port: number; id?: string }>;
  /** PEM CA bundle that the broker's certificate must chain to. */
  ca: string | Buffer;
  /** PEM client certificate. */
  cert: string | Buffer;
  /** PEM private key. */
  key: string | Buffer;
  /** Passphrase of an encrypted private key. */
  keyPassphrase?: string;
  /** MQTT client id, also the reply-topic suffix. Default: a fresh `{uuid}`. */
  clientId?: string;
  /** 4 = MQTT 3.1.1 (default), 3 = MQTT 3.1. */
  protocolVersion?: 3 | 4;
  /** Connect over WebSockets (wss) instead of MQTT over TLS. */
  webSockets?: boolean;
  /** WebSockets only: an HTTP CONNECT proxy. */
  proxy?: ProxySettings;
  /** Also check that the broker certificate names the host. Default false: the chain is always verified. */
  checkHostName?: boolean;
  /** Default request timeout. Default 30 000 ms. */
  requestTimeoutMs?: number;
  /** Time allowed for one TLS + MQTT connect. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** MQTT keepalive: a broker silent for one and a half intervals is left. Default 60 s; 0 turns it off. */
  keepaliveSec?: number;
  /** Reconnect backoff: first delay and cap, with up to 25 % jitter added. Defaults 1 000 and 30 000 ms. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** How long a service registration waits for the fabric's answer. Default 10 000 ms. */
  registrationTimeoutMs?: number;
  /** Probe brokers (parallel TCP connect) and try the quickest first. Default true. */
  probeBrokers?: boolean;
  /**
   * Largest MQTT packet the brokers accept, counted as the OpenDXL broker counts it: the PUBLISH's
   * remaining length (2 + topic bytes + encoded DXL envelope). Default 1 MiB, the OpenDXL broker's
   * limit: a bigger request, response or event is refused at once (DXL_INVALID_ARGUMENT) instead of
   * being sent to a broker that would close the connection for it. The same bound holds for what is
   * received: a message over it is dropped by its MQTT header as it arrives, never held whole, and
   * counted in `client.stats.refused.oversized` (over WebSockets one closes the connection: see
   * transport.ts).
   */
  maxMessageBytes?: number;
  /**
   * How long a request made while no connection is ready waits for one before it fails with
   * DXL_DISCONNECTED naming the last failure (within its own timeout). Default: its whole timeout.
   */
  connectWaitMs?: number;
  /**
   * Read the fabric's service registry on each connection, so that a timeout on a topic a service
   * is registered for says the client is probably not authorized to send on it. Default false.
   */
  explainTimeouts?: boolean;
  /** With `explainTimeouts`: the permission (e.g. ePO group) that controls sending on a topic, named in that timeout. */
  authorizationGroup?: (topic: string) => string | undefined;
  /**
   * How long repeated warnings of one kind (messages refused or dropped, responses not sent) are
   * counted before they are logged together with their count; the first is logged at once. Default 60 000 ms.
   */
  warningIntervalMs?: number;
  logger?: DxlLogger;
}

/** Every option checked and defaulted, in the shape the client's parts use. */
export interface ResolvedOptions {
  clientId: string;
  replyTopic: string;
  endpoints: BrokerEndpoint[];
  transport: TransportSettings;
  requestTimeoutMs: number;
  registrationTimeoutMs: number;
  initialDelayMs: number;
  maxDelayMs: number;
  probeBrokers: boolean;
  maxMessageBytes: number;
  /** Infinity: a request waits its whole timeout for a connection. */
  connectWaitMs: number;
  explainTimeouts: boolean;
  authorizationGroup: ((topic: string) => string | undefined) | undefined;
  warningIntervalMs: number;
  logger: DxlLogger;
  certificateValidity: ValidityWindow | undefined;
}

const defaultLogger: DxlLogger = { warn: (message) => console.warn(`[dxl] ${message}`) };

function normaliseBroker(broker: BrokerAddress | { host: string; port: number; id?: string }): BrokerAddress {
  if ('hosts' in broker) return broker;
  return broker.id === undefined ? { port: broker.port, hosts: [broker.host] } : { id: broker.id, port: broker.port, hosts: [broker.host] };
}

/**
 * Checks and defaults the options; throws DXL_CONFIG saying what is wrong. `onOversized` hears of
 * each received packet dropped for its size (its remaining length; undefined when the connection
 * closed for it).
 */
export function resolveOptions(options: DxlClientOptions, onOversized?: (remainingLength: number | undefined) => void): ResolvedOptions {
  if (!options.brokers || options.brokers.length === 0) {
    throw new DxlError(DxlErrorCode.Config, 'No brokers: give at least one {host, port}');
  }
  for (const [name, value] of [
    ['ca', options.ca],
    ['cert', options.cert],
    ['key', options.key],
  ] as const) {
    if (!value || value.length === 0) throw new DxlError(DxlErrorCode.Config, `TLS ${name} is missing: DXL brokers require mutual TLS`);
  }
  const keepaliveSec = readNumber(options.keepaliveSec ?? DEFAULT_KEEPALIVE_S, MQTT_KEEPALIVE_S);
  if (keepaliveSec === undefined) {
    throw new DxlError(
      DxlErrorCode.Config,
      `keepaliveSec must be ${describeKind(MQTT_KEEPALIVE_S)} (seconds), not ${options.keepaliveSec}`,
    );
  }
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!Number.isSafeInteger(maxMessageBytes) || maxMessageBytes < 1) {
    throw new DxlError(DxlErrorCode.Config, 'maxMessageBytes must be a whole number of bytes above 0');
  }
  const clientId = options.clientId || newDxlId();
  return {
    clientId,
    replyTopic: `/mcafee/client/${clientId}`,
    endpoints: endpointsOf(options.brokers.map(normaliseBroker)),
    transport: {
      clientId,
      ca: options.ca,
      cert: options.cert,
      key: options.key,
      ...(options.keyPassphrase === undefined ? {} : { passphrase: options.keyPassphrase }),
      protocolVersion: options.protocolVersion ?? 4,
      webSockets: options.webSockets ?? false,
      ...(options.proxy ? { proxy: options.proxy } : {}),
      checkHostName: options.checkHostName ?? false,
      keepaliveSec,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      maxMessageBytes,
      ...(onOversized ? { onOversized } : {}),
    },
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_S * 1000,
    registrationTimeoutMs: options.registrationTimeoutMs ?? 10_000,
    initialDelayMs: options.reconnect?.initialDelayMs ?? DEFAULT_RECONNECT_DELAY_MS,
    maxDelayMs: options.reconnect?.maxDelayMs ?? DEFAULT_RECONNECT_MAX_DELAY_MS,
    probeBrokers: options.probeBrokers ?? true,
    maxMessageBytes,
    warningIntervalMs: options.warningIntervalMs ?? DEFAULT_LOG_INTERVAL_MS,
    connectWaitMs: options.connectWaitMs !== undefined && options.connectWaitMs > 0 ? options.connectWaitMs : Infinity,
    explainTimeouts: options.explainTimeouts ?? false,
    authorizationGroup: options.authorizationGroup,
    logger: options.logger ?? defaultLogger,
    certificateValidity: validityOf(options.cert),
  };
}
