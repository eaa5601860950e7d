/**
 * DxlClient: what a caller of DXL uses (requests, events, subscriptions, services, the connection
 * state), wiring the parts of this folder together. Messages in are decoded here and handed on by
 * type (responses to the outbox's waiting requests, events to the subscriptions, requests to the
 * services).
 */
import type { DxlMessaging, EventOptions, MessageHandler, RequestOptions, ServiceInfo, ServiceRegistration, Unsubscribe } from './api';
import { type DxlMessage, type DxlPayload, MessageType, emptyMessage, payloadToBuffer } from './message';
import { decodeMessage, encodeMessage } from './envelope';
import type { DxlConfig } from './config';
import { ConnectionCause, type ConnectionState } from './connection-state';
import { ConnectionSupervisor } from './connection-supervisor';
import type { ClientDiagnostics } from './diagnostics';
import { DxlError, DxlErrorCode } from './errors';
import { newDxlId } from './ids';
import { clientOptionsFromConfig } from './config-options';
import { type DxlClientOptions, type ResolvedOptions, resolveOptions } from './options';
import type { ClientStats } from './wire-refusals';
import { oversized } from './packet-limits';
import { RegistryTopic } from './registry';
import { TimeoutExplainer } from './timeout-explainer';
import { topicError } from './topic-rule';
import { ServiceHost } from './services';
import { WireRefusals } from './wire-refusals';
import { Subscriptions } from './subscriptions';
import { Outbox } from './outbox';

export type { DxlClientOptions, DxlLogger } from './options';
export type { ClientStats } from './wire-refusals';
export { DEFAULT_MAX_MESSAGE_BYTES } from './packet-limits';
export { ServiceHandlerFailed } from './services';

function closedError(topic?: string): DxlError {
  return new DxlError(DxlErrorCode.Closed, 'The DXL client is closed', topic === undefined ? {} : { topic });
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

  private readonly options: ResolvedOptions;
  private readonly supervisor: ConnectionSupervisor;
  private readonly outbox: Outbox;
  private readonly subscriptions: Subscriptions;
  private readonly services: ServiceHost;
  private closing: Promise<void> | undefined;
  private readonly refusals: WireRefusals;
  private readonly explainer: TimeoutExplainer | undefined;
  private roundTrip: { ms: number; at: number } | undefined;
  private measuring = false;

  constructor(options: DxlClientOptions) {
    let refusals: WireRefusals | undefined;
    this.options = resolveOptions(options, (bytes) => refusals?.oversized(bytes));
    this.clientId = this.options.clientId;
    this.replyTopic = this.options.replyTopic;
    const logger = this.options.logger;
    this.refusals = refusals = new WireRefusals(logger, this.options.maxMessageBytes, this.options.warningIntervalMs);
    this.subscriptions = new Subscriptions(logger);
    this.supervisor = new ConnectionSupervisor(this.options, {
      topics: () => [this.replyTopic, ...this.subscriptions.topics()],
      ready: (session) => {
        this.outbox.flush(session);
        this.services.registerAll();
        this.explainer?.refresh();
      },
      lost: () => this.outbox.failSent(),
      message: (topic, payload) => this.onMessage(topic, payload),
    });
    const { authorizationGroup } = this.options;
    this.explainer = this.options.explainTimeouts
      ? new TimeoutExplainer(this, authorizationGroup === undefined ? {} : { authorizationGroup })
      : undefined;
    this.outbox = new Outbox(
      (when, topic) => this.supervisor.disconnectedError(when, topic),
      this.options.requestTimeoutMs,
      this.options.connectWaitMs,
      this.explainer ? (topic, timeoutMs) => this.explainer!.timeoutError(topic, timeoutMs) : undefined,
    );
    const supervisor = this.supervisor;
    this.services = new ServiceHost(
      {
        request: (topic, payload, requestOptions) => this.request(topic, payload, requestOptions),
        sendErrorResponse: (request, code, text) => this.sendErrorResponse(request, code, text),
        subscribe: (topic, handler) => this.subscribe(topic, handler),
        retainTopic: (topic) => this.subscriptions.retain(topic, supervisor.session),
        releaseTopic: (topic) => this.subscriptions.release(topic, supervisor.session),
        get ready() {
          return supervisor.ready;
        },
        get closed() {
          return supervisor.closed;
        },
      },
      this.options.registrationTimeoutMs,
      logger,
    );
  }

  /** Builds a client from a parsed `dxlclient.config`, reading its PEM files. */
  static fromConfig(config: DxlConfig, overrides: Partial<DxlClientOptions> = {}): DxlClient {
    return new DxlClient({ ...clientOptionsFromConfig(config), ...overrides });
  }

  get connectionState(): ConnectionState {
    return this.supervisor.connectionState;
  }

  get connected(): boolean {
    return this.supervisor.ready;
  }

  /**
   * Where the connection and its traffic stand (see ClientDiagnostics). When connected, it also
   * starts a round trip to the broker (its registry), at most every `roundTripEveryMs`, whose time
   * the next call reports.
   */
  diagnostics(roundTripEveryMs = 2000): ClientDiagnostics {
    if (this.supervisor.ready && !this.measuring && (this.roundTrip === undefined || Date.now() - this.roundTrip.at >= roundTripEveryMs)) {
      this.measureRoundTrip();
    }
    const log = this.supervisor.brokerLog.snapshot();
    const diagnostics: ClientDiagnostics = {
      clientId: this.clientId,
      state: { ...this.supervisor.connectionState },
      stateSince: this.supervisor.stateSince,
      brokers: log.brokers,
      reconnects: log.reconnects,
      requests: this.outbox.counts(),
      received: this.subscriptions.receivedCounts(),
      refused: { ...this.refusals.stats.refused },
      unsentResponses: this.refusals.stats.unsentResponses,
    };
    if (log.connectedSince !== undefined) diagnostics.connectedSince = log.connectedSince;
    if (this.roundTrip) diagnostics.roundTrip = { ...this.roundTrip };
    return diagnostics;
  }

  private measureRoundTrip(): void {
    this.measuring = true;
    const start = performance.now();
    this.request(RegistryTopic.BROKER_QUERY, '{}', { timeoutMs: 5000 })
      .then(
        () => {
          this.roundTrip = { ms: Math.round((performance.now() - start) * 10) / 10, at: Date.now() };
        },
        () => undefined,
      )
      .finally(() => {
        this.measuring = false;
      });
  }

  /** What the client refused or could not send, counted since it was made: for diagnostics. */
  get stats(): ClientStats {
    return this.refusals.stats;
  }

  /** Number of MQTT topics held, including none for the reply topic: for leak checks. */
  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  /**
   * Takes new brokers and TLS material (a `dxlclient.config` that changed) and reconnects with
   * them; subscriptions and services are made again on the new connection, as after any
   * reconnection. The client id stays. Throws DXL_CONFIG, keeping the old settings, when the new
   * ones are wrong; DXL_CLOSED after close. `reason` is the state's reason until the next attempt.
   */
  reconfigure(options: DxlClientOptions, reason = 'the configuration changed', cause: string = ConnectionCause.ConfigChanged): void {
    if (this.supervisor.closed) throw closedError();
    const next = resolveOptions({ ...options, clientId: this.clientId }, (bytes) => this.refusals.oversized(bytes));
    this.options.endpoints = next.endpoints;
    this.options.transport = next.transport;
    this.options.certificateValidity = next.certificateValidity;
    this.supervisor.restart(reason, cause);
  }

  /** Calls `listener` on every change of status or reason; returns a function that stops it. */
  onStateChange(listener: (state: ConnectionState) => void): () => void {
    return this.supervisor.onStateChange(listener);
  }

  /**
   * Starts connecting (if not yet) and resolves once connected. With a timeout it
   * rejects with DXL_DISCONNECTED naming the last failure; the client keeps trying.
   */
  connect(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.supervisor.closed) return Promise.reject(closedError());
    return this.supervisor.whenReady(options.timeoutMs);
  }

  request(topic: string, payload: DxlPayload, options: RequestOptions = {}): Promise<DxlMessage> {
    if (this.supervisor.closed) return Promise.reject(closedError(topic));
    const badTopic = topicError(topic, 'publish');
    if (badTopic) return Promise.reject(badTopic);
    const message = emptyMessage(MessageType.Request, topic);
    const messageId = newDxlId();
    message.messageId = messageId;
    message.replyToTopic = this.replyTopic;
    if (options.serviceId) message.serviceId = options.serviceId;
    if (options.otherFields) message.otherFields = options.otherFields;
    message.payload = payloadToBuffer(payload);
    const bytes = encodeMessage(message);
    const tooLarge = oversized('request', topic, bytes, this.options.maxMessageBytes);
    if (tooLarge) return Promise.reject(tooLarge);
    this.supervisor.start();
    return this.outbox.request(messageId, topic, bytes, options.timeoutMs ?? this.options.requestTimeoutMs, this.supervisor.session);
  }

  sendEvent(topic: string, payload: DxlPayload, options: EventOptions = {}): Promise<void> {
    const badTopic = topicError(topic, 'publish');
    if (badTopic) return Promise.reject(badTopic);
    const message = emptyMessage(MessageType.Event, topic);
    message.messageId = newDxlId();
    if (options.otherFields) message.otherFields = options.otherFields;
    message.payload = payloadToBuffer(payload);
    return this.publishWhenReady('event', topic, encodeMessage(message));
  }

  sendResponse(request: DxlMessage, payload: DxlPayload): void {
    this.services.answered(request);
    const message = this.replyTo(request, MessageType.Response);
    message.payload = payloadToBuffer(payload);
    this.publishWhenReady('response', request.replyToTopic, encodeMessage(message)).catch((error: Error) =>
      this.refusals.unsent(`response to ${request.destinationTopic} not sent: ${error.message}`),
    );
  }

  sendErrorResponse(request: DxlMessage, errorCode: number, errorMessage: string): void {
    this.services.answered(request);
    const message = this.replyTo(request, MessageType.ErrorResponse);
    message.errorCode = errorCode;
    message.errorMessage = errorMessage;
    this.publishWhenReady('response', request.replyToTopic, encodeMessage(message)).catch((error: Error) =>
      this.refusals.unsent(`error response to ${request.destinationTopic} not sent: ${error.message}`),
    );
  }

  async subscribe(topic: string, handler: MessageHandler): Promise<Unsubscribe> {
    if (this.supervisor.closed) throw closedError(topic);
    if (typeof topic !== 'string' || topic === '')
      throw new DxlError(DxlErrorCode.InvalidArgument, 'A subscription needs a non-empty topic');
    const badTopic = topicError(topic, 'subscribe');
    if (badTopic) throw badTopic;
    if (typeof handler !== 'function') throw new DxlError(DxlErrorCode.InvalidArgument, 'A subscription needs a handler function');
    // A handler may subscribe twice; each subscription gets its own entry.
    const entry: MessageHandler = (message) => handler(message);
    this.subscriptions.addHandler(topic, entry);
    this.supervisor.start();
    await this.subscriptions.retain(topic, this.supervisor.session);
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      this.subscriptions.removeHandler(topic, entry);
      await this.subscriptions.release(topic, this.supervisor.session);
    };
  }

  async registerService(info: ServiceInfo): Promise<ServiceRegistration> {
    if (this.supervisor.closed) throw closedError();
    this.supervisor.start();
    return this.services.register(info);
  }

  /**
   * Closes the client: services unregister (each answering what it holds, within its drainMs),
   * pending requests reject with DXL_CLOSED, the socket closes. Bounded in time.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await this.services.unregisterAll();
    await this.supervisor.close(closedError, () => {
      const closedByOwner = (topic?: string): DxlError =>
        new DxlError(DxlErrorCode.Closed, 'The DXL client was closed', topic === undefined ? {} : { topic });
      this.outbox.rejectAll(closedByOwner);
    });
    this.refusals.dispose();
  }

  /** Sends an event or response now, or once connected (within the request timeout). */
  private publishWhenReady(kind: 'event' | 'response', topic: string, bytes: Buffer): Promise<void> {
    if (this.supervisor.closed) return Promise.reject(closedError(topic));
    // Responses go to a reply topic another client chose: a wildcard there would cost the shared connection.
    const badTopic = topicError(topic, 'publish');
    if (badTopic) return Promise.reject(badTopic);
    const tooLarge = oversized(kind, topic, bytes, this.options.maxMessageBytes);
    if (tooLarge) return Promise.reject(tooLarge);
    this.supervisor.start();
    return this.outbox.send(topic, bytes, this.supervisor.session);
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

  /** A request whose answer cannot be sent (a wildcard reply topic would cost the connection) is not served. */
  private serve(request: DxlMessage): void {
    const badReplyTopic = topicError(request.replyToTopic, 'publish');
    if (badReplyTopic === undefined) this.services.dispatch(request);
    else this.refusals.unanswerable(request.destinationTopic, badReplyTopic.message);
  }

  private onMessage(topic: string, payload: Buffer): void {
    let message: DxlMessage;
    try {
      message = decodeMessage(payload, topic);
    } catch (error) {
      this.refusals.malformed(topic, (error as Error).message);
      return;
    }
    switch (message.messageType) {
      case MessageType.Response:
      case MessageType.ErrorResponse:
        this.outbox.settle(message);
        break;
      case MessageType.Event:
        this.subscriptions.deliver(message);
        break;
      case MessageType.Request:
        // A request whose answer cannot be sent (a wildcard reply topic would cost the connection) is not served.
        this.serve(message);
        break;
    }
  }
}
