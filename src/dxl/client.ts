import fs from 'node:fs';
import type {
  DxlMessaging,
  EventOptions,
  MessageHandler,
  RequestOptions,
  ServiceInfo,
  ServiceRegistration,
  Unsubscribe,
} from './api';
import { type BrokerEndpoint, endpointsOf, orderByResponseTime } from './broker-probe';
import { type ValidityWindow, clientCertificateFailure, validityOf } from './client-certificate';
import { decodeMessage, encodeMessage } from './codec';
import type { BrokerAddress, DxlConfig, ProxySettings } from './config';
import { type ConnectionState, describeConnectionError } from './connection-state';
import { DxlError, DxlErrorCode, FabricErrorCode } from './errors';
import { newDxlId } from './ids';
import { PendingRequests } from './pending-requests';
import { LocalServices, REGISTER_TOPIC, UNREGISTER_TOPIC } from './local-services';
import { type DxlMessage, type DxlPayload, MessageType, emptyMessage, payloadToBuffer } from './message';
import type { MqttConnection } from './mqtt/connection';
import { MAX_STRING_BYTES } from './mqtt/packets';
import { TopicTable } from './topic-table';
import { type ConnectionAttempt, type TransportSettings, openConnection } from './transport';

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
  /** Default 60 s. */
  keepaliveSec?: number;
  /** Reconnect backoff: first delay and cap, with up to 25 % jitter added. Defaults 1 000 and 30 000 ms. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** How long a service registration waits for the fabric's answer. Default 10 000 ms. */
  registrationTimeoutMs?: number;
  /** Probe brokers (parallel TCP connect) and try the quickest first. Default true. */
  probeBrokers?: boolean;
  /**
   * Largest message (encoded DXL envelope) the brokers accept. Default 1 MiB, the OpenDXL broker's
   * limit: a bigger request or event is refused at once (DXL_INVALID_ARGUMENT) instead of being
   * dropped by the broker, which would leave a request to time out and an event lost unseen.
   */
  maxMessageBytes?: number;
  logger?: DxlLogger;
}

type StateListener = (state: ConnectionState) => void;

interface QueuedPublish {
  topic: string;
  bytes: Buffer;
  /** For requests: sent only while the request is still pending. */
  requestId?: string;
  settle?: (error?: DxlError) => void;
}

const PROBE_TIMEOUT_MS = 1000;
/** The OpenDXL broker's default maximum message size. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
const CLOSE_GRACE_MS = 1000;

const defaultLogger: DxlLogger = { warn: (message) => console.warn(`[dxl] ${message}`) };

function normaliseBroker(broker: BrokerAddress | { host: string; port: number; id?: string }): BrokerAddress {
  if ('hosts' in broker) return broker;
  return broker.id === undefined ? { port: broker.port, hosts: [broker.host] } : { id: broker.id, port: broker.port, hosts: [broker.host] };
}

/**
 * A DXL client over MQTT: mutual TLS, request/response with timeouts, events,
 * services, and a connection that fails over between brokers and comes back
 * with exponential backoff.
 *
 * Requests made while not connected wait for a connection within their timeout.
 * A request already sent when the connection drops is rejected at once with
 * DXL_DISCONNECTED: its response would be lost with the connection.
 */
export class DxlClient implements DxlMessaging {
  readonly clientId: string;
  readonly replyTopic: string;

  private readonly endpoints: BrokerEndpoint[];
  private readonly transport: TransportSettings;
  private readonly requestTimeoutMs: number;
  private readonly registrationTimeoutMs: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly probeBrokers: boolean;
  private readonly maxMessageBytes: number;
  private readonly logger: DxlLogger;
  private readonly certificateValidity: ValidityWindow | undefined;

  private mqtt: MqttConnection | undefined;
  private attempt: ConnectionAttempt | undefined;
  private ready = false;
  private started = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  private state: ConnectionState = { status: 'idle' };
  private readonly stateListeners = new Set<StateListener>();
  private readonly readyWaiters = new Set<{ resolve(): void; reject(error: DxlError): void }>();
  private wakeLoop: (() => void) | undefined;
  /** Why the latest connection attempt failed; cleared on success. */
  private lastFailure: { reason: string; cause: string } | undefined;
  /** The failure reason last logged per broker: logged again only when it changes, not on every retry. */
  private readonly loggedFailures = new Map<string, string>();
  private readonly probeAbort = new AbortController();

  private readonly pending = new PendingRequests((topic, timeoutMs) =>
    this.disconnectedError(`within the request timeout (${timeoutMs} ms)`, topic),
  );
  private outbox: QueuedPublish[] = [];
  private readonly eventHandlers = new TopicTable<MessageHandler>();
  private readonly mqttTopics = new Map<string, number>();
  private readonly services: LocalServices;
  private malformedCount = 0;

  constructor(options: DxlClientOptions) {
    if (!options.brokers || options.brokers.length === 0) {
      throw new DxlError(DxlErrorCode.Config, 'No brokers: give at least one {host, port}');
    }
    for (const [name, value] of [['ca', options.ca], ['cert', options.cert], ['key', options.key]] as const) {
      if (!value || value.length === 0) throw new DxlError(DxlErrorCode.Config, `TLS ${name} is missing: DXL brokers require mutual TLS`);
    }
    const keepaliveSec = options.keepaliveSec ?? 60;
    if (!Number.isInteger(keepaliveSec) || keepaliveSec < 0 || keepaliveSec > 0xffff) {
      throw new DxlError(DxlErrorCode.Config, `keepaliveSec must be a whole number of seconds from 0 to 65535, not ${keepaliveSec}`);
    }
    this.clientId = options.clientId || newDxlId();
    this.replyTopic = `/mcafee/client/${this.clientId}`;
    this.endpoints = endpointsOf(options.brokers.map(normaliseBroker));
    this.transport = {
      clientId: this.clientId,
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
    };
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.registrationTimeoutMs = options.registrationTimeoutMs ?? 10_000;
    this.initialDelayMs = options.reconnect?.initialDelayMs ?? 1000;
    this.maxDelayMs = options.reconnect?.maxDelayMs ?? 30_000;
    this.probeBrokers = options.probeBrokers ?? true;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.logger = options.logger ?? defaultLogger;
    this.certificateValidity = validityOf(options.cert);
    this.services = new LocalServices();
  }

  /** Builds a client from a parsed `dxlclient.config`, reading its PEM files. */
  static fromConfig(config: DxlConfig, overrides: Partial<DxlClientOptions> = {}): DxlClient {
    const read = (file: string, what: string): Buffer => {
      try {
        return fs.readFileSync(file);
      } catch (error) {
        throw new DxlError(DxlErrorCode.Config, `${config.file ?? 'dxlclient.config'}: cannot read ${what} ${file}: ${(error as Error).message}`, { cause: error });
      }
    };
    return new DxlClient({
      brokers: config.useWebSockets ? config.webSocketBrokers : config.brokers,
      ca: read(config.brokerCertChain, 'BrokerCertChain'),
      cert: read(config.certFile, 'CertFile'),
      key: read(config.privateKey, 'PrivateKey'),
      webSockets: config.useWebSockets,
      ...(config.clientId ? { clientId: config.clientId } : {}),
      ...(config.proxy ? { proxy: config.proxy } : {}),
      ...overrides,
    });
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  get connected(): boolean {
    return this.ready;
  }

  /** Calls `listener` on every change of status or reason; returns a function that stops it. */
  onStateChange(listener: StateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /**
   * Starts connecting (if not yet) and resolves once connected. With a timeout it
   * rejects with DXL_DISCONNECTED naming the last failure; the client keeps trying.
   */
  connect(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.closed) return Promise.reject(new DxlError(DxlErrorCode.Closed, 'The DXL client is closed'));
    this.start();
    if (this.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: () => {
          if (timer) clearTimeout(timer);
          resolve();
        },
        reject: (error: DxlError) => {
          if (timer) clearTimeout(timer);
          reject(error);
        },
      };
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.readyWaiters.delete(waiter);
              reject(this.disconnectedError(`within ${options.timeoutMs} ms`));
            }, options.timeoutMs);
      this.readyWaiters.add(waiter);
    });
  }

  request(topic: string, payload: DxlPayload, options: RequestOptions = {}): Promise<DxlMessage> {
    if (this.closed) return Promise.reject(new DxlError(DxlErrorCode.Closed, 'The DXL client is closed', { topic }));
    if (typeof topic !== 'string' || topic === '') {
      return Promise.reject(new DxlError(DxlErrorCode.InvalidArgument, 'A request needs a non-empty topic'));
    }
    const message = emptyMessage(MessageType.Request, topic);
    const messageId = newDxlId();
    message.messageId = messageId;
    message.replyToTopic = this.replyTopic;
    if (options.serviceId) message.serviceId = options.serviceId;
    if (options.otherFields) message.otherFields = options.otherFields;
    message.payload = payloadToBuffer(payload);
    const bytes = encodeMessage(message);
    const tooLarge = this.oversized('request', topic, bytes);
    if (tooLarge) return Promise.reject(tooLarge);
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    this.start();
    const response = this.pending.add(messageId, topic, timeoutMs, this.ready);
    if (this.ready) this.publish(topic, bytes);
    else this.outbox.push({ topic, bytes, requestId: messageId });
    return response;
  }

  sendEvent(topic: string, payload: DxlPayload, options: EventOptions = {}): Promise<void> {
    if (typeof topic !== 'string' || topic === '') {
      return Promise.reject(new DxlError(DxlErrorCode.InvalidArgument, 'An event needs a non-empty topic'));
    }
    const message = emptyMessage(MessageType.Event, topic);
    message.messageId = newDxlId();
    if (options.otherFields) message.otherFields = options.otherFields;
    message.payload = payloadToBuffer(payload);
    const bytes = encodeMessage(message);
    const tooLarge = this.oversized('event', topic, bytes);
    if (tooLarge) return Promise.reject(tooLarge);
    return this.publishWhenReady(topic, bytes);
  }

  /** The error for a message the brokers would drop for its size, if it is one. */
  private oversized(kind: 'request' | 'event', topic: string, bytes: Buffer): DxlError | undefined {
    const longTopic = topicTooLong(topic);
    if (longTopic) return longTopic;
    if (bytes.length <= this.maxMessageBytes) return undefined;
    return new DxlError(DxlErrorCode.InvalidArgument, `The ${kind} on ${topic} is ${bytes.length} bytes: over the ${this.maxMessageBytes} bytes a DXL broker accepts`, { topic });
  }

  sendResponse(request: DxlMessage, payload: DxlPayload): void {
    const message = this.replyTo(request, MessageType.Response);
    message.payload = payloadToBuffer(payload);
    this.publishWhenReady(request.replyToTopic, encodeMessage(message)).catch((error: Error) =>
      this.logger.warn(`response to ${request.destinationTopic} not sent: ${error.message}`),
    );
  }

  sendErrorResponse(request: DxlMessage, errorCode: number, errorMessage: string): void {
    const message = this.replyTo(request, MessageType.ErrorResponse);
    message.errorCode = errorCode;
    message.errorMessage = errorMessage;
    this.publishWhenReady(request.replyToTopic, encodeMessage(message)).catch((error: Error) =>
      this.logger.warn(`error response to ${request.destinationTopic} not sent: ${error.message}`),
    );
  }

  async subscribe(topic: string, handler: MessageHandler): Promise<Unsubscribe> {
    if (this.closed) throw new DxlError(DxlErrorCode.Closed, 'The DXL client is closed', { topic });
    if (typeof topic !== 'string' || topic === '') throw new DxlError(DxlErrorCode.InvalidArgument, 'A subscription needs a non-empty topic');
    const longTopic = topicTooLong(topic);
    if (longTopic) throw longTopic;
    if (typeof handler !== 'function') throw new DxlError(DxlErrorCode.InvalidArgument, 'A subscription needs a handler function');
    // A handler may subscribe twice; each subscription gets its own entry.
    const entry: MessageHandler = (message) => handler(message);
    this.eventHandlers.add(topic, entry);
    this.start();
    await this.retainMqttTopic(topic);
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      this.eventHandlers.remove(topic, entry);
      await this.releaseMqttTopic(topic);
    };
  }

  async registerService(info: ServiceInfo): Promise<ServiceRegistration> {
    if (this.closed) throw new DxlError(DxlErrorCode.Closed, 'The DXL client is closed');
    const service = this.services.add(info);
    this.start();
    await Promise.all(service.topics.map((topic) => this.retainMqttTopic(topic)));
    service.ttlTimer = setInterval(() => void this.sendRegistration(service.serviceId), service.ttlMins * 60_000);
    service.ttlTimer.unref();
    const acknowledged = await this.sendRegistration(service.serviceId, true);
    if (!acknowledged && !this.closed) {
      this.logger.debug?.(`service ${service.serviceType} ${service.serviceId}: the fabric did not answer its registration (plain MQTT broker?)`);
    }
    return {
      serviceId: service.serviceId,
      get acknowledged() {
        return service.acknowledged;
      },
      unregister: () => this.unregisterService(service.serviceId),
    };
  }

  /** Closes the client: pending requests reject with DXL_CLOSED, services unregister, the socket closes. Bounded in time. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = this.shutdown();
    return this.closing;
  }

  // ---- connection loop -------------------------------------------------------------

  private start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    void this.connectionLoop();
  }

  private setState(next: ConnectionState): void {
    const previous = this.state;
    this.state = next;
    if (previous.status === next.status && previous.reason === next.reason && previous.broker === next.broker) return;
    for (const listener of this.stateListeners) {
      try {
        listener(next);
      } catch (error) {
        this.logger.warn(`state listener failed: ${(error as Error).message}`);
      }
    }
  }

  private async connectionLoop(): Promise<void> {
    let failures = 0;
    let everConnected = false;
    while (!this.closed) {
      const endpoints = this.probeBrokers
        ? await orderByResponseTime(this.endpoints, PROBE_TIMEOUT_MS, this.probeAbort.signal)
        : this.endpoints;
      let lostConnection = false;
      for (const endpoint of endpoints) {
        if (this.closed) return;
        const broker = `${endpoint.host}:${endpoint.port}`;
        const status = everConnected ? 'reconnecting' : 'connecting';
        this.setState(
          this.lastFailure
            ? { status, broker, reason: this.lastFailure.reason, cause: this.lastFailure.cause }
            : { status, broker, reason: `connecting to ${broker}` },
        );
        let client: MqttConnection;
        try {
          const attempt = openConnection(endpoint, this.transport);
          if (attempt instanceof Error) throw attempt;
          this.attempt = attempt;
          client = await attempt.accepted;
        } catch (error) {
          const described = describeConnectionError(error);
          const failure = clientCertificateFailure(this.certificateValidity, described) ?? described;
          if (this.loggedFailures.get(broker) !== failure.reason) {
            this.loggedFailures.set(broker, failure.reason);
            this.logger.warn(`cannot connect to ${broker}: ${failure.reason}`);
          }
          this.lastFailure = failure;
          this.setState({ status, broker, ...failure });
          continue;
        } finally {
          this.attempt = undefined;
        }
        if (this.closed) {
          client.end(true);
          return;
        }
        everConnected = true;
        failures = 0;
        this.lastFailure = undefined;
        this.loggedFailures.clear();
        await this.runConnection(client, endpoint);
        lostConnection = true;
        break;
      }
      if (this.closed) return;
      if (lostConnection) continue; // fail over at once
      const base = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** failures);
      const delay = Math.round(base * (1 + Math.random() * 0.25));
      failures++;
      this.setState({ ...this.state, status: everConnected ? 'reconnecting' : 'connecting', retryInMs: delay });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeLoop = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeLoop = undefined;
    }
  }

  /** Uses one accepted connection until it closes. */
  private runConnection(client: MqttConnection, endpoint: BrokerEndpoint): Promise<void> {
    const broker = `${endpoint.host}:${endpoint.port}`;
    return new Promise<void>((resolve) => {
      let lastError: Error | undefined;
      this.mqtt = client;
      client.onMessage = (topic, payload) => this.onMessage(topic, payload);
      client.on('error', (error: Error) => {
        lastError = error;
      });
      client.once('close', () => {
        client.onMessage = undefined;
        this.mqtt = undefined;
        this.ready = false;
        this.pending.failSent();
        if (!this.closed) {
          const { reason, cause } = lastError
            ? describeConnectionError(lastError)
            : { reason: `connection to ${broker} closed`, cause: 'CLOSED' };
          this.logger.warn(`lost connection to ${broker}: ${reason}`);
          this.lastFailure = { reason, cause };
          this.setState({ status: 'reconnecting', broker, reason, cause });
        }
        client.end(true);
        resolve();
      });
      const topics = [this.replyTopic, ...this.mqttTopics.keys()];
      client.subscribe(topics, (error) => {
        if (error) {
          // A subscription cut short by the connection's end keeps the cause of that end.
          lastError ??= error;
          client.end(true);
          return;
        }
        if (this.mqtt !== client || this.closed) return;
        this.ready = true;
        this.setState({ status: 'connected', broker, reason: `connected to ${broker}` });
        for (const waiter of this.readyWaiters) waiter.resolve();
        this.readyWaiters.clear();
        this.flushOutbox();
        for (const serviceId of this.services.ids()) void this.sendRegistration(serviceId);
      });
    });
  }

  // ---- publishing ------------------------------------------------------------------

  private publish(topic: string, bytes: Buffer): void {
    this.mqtt!.publish(topic, bytes);
  }

  private publishWhenReady(topic: string, bytes: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new DxlError(DxlErrorCode.Closed, 'The DXL client is closed', { topic }));
    // Responses go to a reply topic another client chose: checked here too, not only on our own topics.
    const longTopic = topicTooLong(topic);
    if (longTopic) return Promise.reject(longTopic);
    if (this.ready) {
      this.publish(topic, bytes);
      return Promise.resolve();
    }
    this.start();
    return new Promise((resolve, reject) => {
      const entry: QueuedPublish = {
        topic,
        bytes,
        settle: (error) => {
          clearTimeout(timer);
          if (error) reject(error);
          else resolve();
        },
      };
      const timer = setTimeout(() => {
        this.outbox = this.outbox.filter((queued) => queued !== entry);
        reject(this.disconnectedError(`within ${this.requestTimeoutMs} ms`, topic));
      }, this.requestTimeoutMs);
      this.outbox.push(entry);
    });
  }

  private flushOutbox(): void {
    const queued = this.outbox;
    this.outbox = [];
    for (const entry of queued) {
      if (entry.requestId !== undefined && !this.pending.markSent(entry.requestId)) continue;
      this.publish(entry.topic, entry.bytes);
      entry.settle?.();
    }
  }

  private replyTo(request: DxlMessage, type: MessageType): DxlMessage {
    const message = emptyMessage(type, request.replyToTopic);
    message.messageId = newDxlId();
    message.requestMessageId = request.messageId;
    message.serviceId = request.serviceId;
    if (request.sourceClientId) message.clientIds = [request.sourceClientId];
    if (request.sourceBrokerId) message.brokerIds = [request.sourceBrokerId];
    return message;
  }

  // ---- requests --------------------------------------------------------------------

  private disconnectedError(when: string, topic?: string): DxlError {
    const last = this.lastFailure?.reason ?? (this.state.status === 'reconnecting' ? this.state.reason : undefined);
    const reason = last ? `: ${last}` : '';
    return new DxlError(DxlErrorCode.Disconnected, `Not connected to a DXL broker ${when}${reason}`, topic === undefined ? {} : { topic });
  }

  // ---- incoming --------------------------------------------------------------------

  private onMessage(topic: string, payload: Buffer): void {
    let message: DxlMessage;
    try {
      message = decodeMessage(payload, topic);
    } catch (error) {
      this.malformedCount++;
      if (this.malformedCount === 1 || this.malformedCount % 1000 === 0) {
        this.logger.warn(`dropped ${this.malformedCount} malformed message(s), latest on ${topic}: ${(error as Error).message}`);
      }
      return;
    }
    switch (message.messageType) {
      case MessageType.Response:
      case MessageType.ErrorResponse:
        this.pending.settle(message);
        break;
      case MessageType.Event:
        this.eventHandlers.forEachMatch(topic, (handler) => this.invoke(handler, message));
        break;
      case MessageType.Request:
        this.dispatchRequest(message);
        break;
    }
  }

  private invoke(handler: MessageHandler, message: DxlMessage): void {
    try {
      handler(message);
    } catch (error) {
      this.logger.warn(`handler for ${message.destinationTopic} failed: ${(error as Error).message}`);
    }
  }

  private dispatchRequest(request: DxlMessage): void {
    let handled = false;
    this.services.forEachHandler(request.destinationTopic, (serviceId, handler) => {
      if (request.serviceId && request.serviceId !== serviceId) return;
      handled = true;
      this.runServiceHandler(handler, request);
    });
    if (!handled && request.serviceId && !this.services.has(request.serviceId)) {
      this.sendErrorResponse(request, FabricErrorCode.ServiceUnavailable, 'unable to locate service for request');
    }
  }

  private runServiceHandler(handler: (request: DxlMessage) => void | Promise<void>, request: DxlMessage): void {
    const fail = (error: unknown): void => {
      const text = error instanceof Error ? error.message : String(error);
      this.logger.warn(`service handler for ${request.destinationTopic} failed: ${text}`);
      this.sendErrorResponse(request, ServiceHandlerFailed, `service failed: ${text}`);
    };
    try {
      const result = handler(request);
      if (result && typeof result.then === 'function') result.then(undefined, fail);
    } catch (error) {
      fail(error);
    }
  }

  // ---- subscriptions and services ----------------------------------------------------

  private async retainMqttTopic(topic: string): Promise<void> {
    const count = this.mqttTopics.get(topic) ?? 0;
    this.mqttTopics.set(topic, count + 1);
    if (count > 0 || !this.ready || !this.mqtt) return;
    const client = this.mqtt;
    await new Promise<void>((resolve) => {
      client.subscribe([topic], (error) => {
        if (error) this.logger.warn(`subscribe to ${topic} failed: ${error.message}`);
        resolve();
      });
    });
  }

  private async releaseMqttTopic(topic: string): Promise<void> {
    const count = this.mqttTopics.get(topic) ?? 0;
    if (count > 1) {
      this.mqttTopics.set(topic, count - 1);
      return;
    }
    this.mqttTopics.delete(topic);
    if (!this.ready || !this.mqtt) return;
    const client = this.mqtt;
    await new Promise<void>((resolve) => client.unsubscribe([topic], () => resolve()));
  }

  /** Number of MQTT topics held, including none for the reply topic: for leak checks. */
  get subscriptionCount(): number {
    return this.mqttTopics.size;
  }

  private async sendRegistration(serviceId: string, propagateRejection = false): Promise<boolean> {
    const service = this.services.get(serviceId);
    if (!service || this.closed) return false;
    try {
      await this.request(REGISTER_TOPIC, this.services.registrationPayload(service), { timeoutMs: this.registrationTimeoutMs });
      service.acknowledged = true;
      return true;
    } catch (error) {
      const dxlError = error as DxlError;
      const silent = dxlError.code === DxlErrorCode.Timeout || dxlError.code === DxlErrorCode.Disconnected || dxlError.code === DxlErrorCode.Closed;
      if (silent) return false;
      if (propagateRejection) {
        await this.unregisterService(serviceId, false);
        throw dxlError;
      }
      this.logger.warn(`re-registration of service ${service.serviceType} failed: ${dxlError.message}`);
      return false;
    }
  }

  private async unregisterService(serviceId: string, notifyFabric = true): Promise<void> {
    const service = this.services.remove(serviceId);
    if (!service) return;
    if (service.ttlTimer) clearInterval(service.ttlTimer);
    if (notifyFabric && this.ready && service.acknowledged) {
      await this.request(UNREGISTER_TOPIC, { serviceGuid: serviceId }, { timeoutMs: Math.min(this.registrationTimeoutMs, CLOSE_GRACE_MS) }).catch(
        () => undefined,
      );
    }
    await Promise.all(service.topics.map((topic) => this.releaseMqttTopic(topic)));
  }

  private async shutdown(): Promise<void> {
    const ids = [...this.services.ids()];
    await Promise.all(ids.map((id) => this.unregisterService(id)));
    this.closed = true;
    this.probeAbort.abort();
    this.wakeLoop?.();
    this.attempt?.client.end(true);
    const closedError = (topic?: string): DxlError =>
      new DxlError(DxlErrorCode.Closed, 'The DXL client was closed', topic === undefined ? {} : { topic });
    this.pending.rejectAll(closedError);
    for (const entry of this.outbox) entry.settle?.(closedError(entry.topic));
    this.outbox = [];
    for (const waiter of this.readyWaiters) waiter.reject(closedError());
    this.readyWaiters.clear();
    const client = this.mqtt;
    this.mqtt = undefined;
    this.ready = false;
    if (client) {
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => client.end(true), CLOSE_GRACE_MS);
        client.end(false, () => {
          clearTimeout(force);
          resolve();
        });
      });
    }
    this.setState({ status: 'closed', reason: 'closed' });
    this.stateListeners.clear();
  }
}

function topicTooLong(topic: string): DxlError | undefined {
  // A UTF-16 unit is at most 3 UTF-8 bytes: most topics are cleared without counting.
  if (topic.length * 3 <= MAX_STRING_BYTES) return undefined;
  const bytes = Buffer.byteLength(topic, 'utf8');
  if (bytes <= MAX_STRING_BYTES) return undefined;
  return new DxlError(DxlErrorCode.InvalidArgument, `A topic of ${bytes} bytes is longer than the ${MAX_STRING_BYTES} bytes MQTT allows`);
}

/** Error code sent when a local service handler throws: the requester gets an answer, not a timeout. */
export const ServiceHandlerFailed = 0x7f000001;
