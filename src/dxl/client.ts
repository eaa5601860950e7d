/**
 * DxlClient: what a caller of DXL uses (requests, events, subscriptions, services, the connection
 * state), wiring the parts of this folder together, and what waits on the broker: requests for
 * their responses, messages for a connection (PendingRequests, at the end). Messages in are decoded
 * here and handed on by type (responses to the pending requests, events to the subscriptions,
 * requests to the services).
 */
import type { DxlMessaging, EventOptions, MessageHandler, RequestOptions, ServiceInfo, ServiceRegistration, Unsubscribe } from './api';
import { decodeMessage, encodeMessage, type DxlMessage, type DxlPayload, MessageType, emptyMessage, payloadToBuffer } from './message';
import type { DxlConfig } from './config';
import type { ConnectionState } from './connection-state';
import { ConnectionSupervisor } from './connection-supervisor';
import type { ClientDiagnostics, RequestCounts } from './diagnostics';
import { DxlError, DxlErrorCode, codeForFabricError } from './errors';
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
import type { MqttSession } from './transport';

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
  private readonly pending: PendingRequests;
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
        this.pending.flush(session);
        this.services.registerAll();
        this.explainer?.refresh();
      },
      lost: () => this.pending.failSent(),
      message: (topic, payload) => this.onMessage(topic, payload),
    });
    const { authorizationGroup } = this.options;
    this.explainer = this.options.explainTimeouts
      ? new TimeoutExplainer(this, authorizationGroup === undefined ? {} : { authorizationGroup })
      : undefined;
    this.pending = new PendingRequests(
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
      requests: this.pending.counts(),
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
  reconfigure(options: DxlClientOptions, reason = 'the configuration changed', cause = 'CONFIG_CHANGED'): void {
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
    return this.pending.request(messageId, topic, bytes, options.timeoutMs ?? this.options.requestTimeoutMs, this.supervisor.session);
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
      this.pending.rejectAll(closedByOwner);
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
    return this.pending.send(topic, bytes, this.supervisor.session);
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
        this.pending.settle(message);
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

const MAX_TIMER_MS = 0x7fffffff;

/** Where messages go: the ready MQTT session. */
type Publisher = Pick<MqttSession, 'publish'>;

interface PendingRequest {
  topic: string;
  timeoutMs: number;
  /** False while the request waits for a connection. */
  sent: boolean;
  /** performance.now() (monotonic, unlike the wall clock) at which it fails: its timeout, or while unsent, the end of its wait for a connection. */
  deadline: number;
  /** performance.now() at which it times out. */
  timeoutAt: number;
  resolve(response: DxlMessage): void;
  reject(error: DxlError): void;
}

/** A message made while no connection was ready. */
interface Unsent {
  topic: string;
  bytes: Buffer;
  /** For requests: sent only while the request is still pending (its own timeout rules). */
  requestId?: string;
  /** For events and responses: settles the sender's promise. */
  settle?: (error?: DxlError) => void;
}

/** The rejection of an ErrorResponse: its code mapped to ours, its own text kept. */
export function responseError(response: DxlMessage, topic: string): DxlError {
  const code = response.errorCode;
  const text = response.errorMessage || response.payload.toString('utf8') || 'error response';
  return new DxlError(codeForFabricError(code), `${text} (DXL error 0x${code.toString(16)} for ${topic})`, {
    fabricCode: code,
    errorMessage: response.errorMessage,
    topic,
  });
}

/**
 * PendingRequests: what the client has sent or means to send and not yet seen through: requests waiting for their
 * response (by message id, each with its own timeout), and the messages made while no connection
 * was ready, sent in order once one is. A request waits for a connection within its own timeout; an
 * event or response waits up to `waitMs`.
 *
 * One timer serves every request, armed for the earliest deadline: a timer per request cost a
 * timer-list insert and removal on every request, for a timeout that almost never fires.
 */
export class PendingRequests {
  private readonly entries = new Map<string, PendingRequest>();
  private unsent: Unsent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private answered = 0;
  private timedOut = 0;
  private readonly failed: Record<string, number> = {};

  /**
   * @param notConnected the error of a message that could not be sent for want of a connection,
   *   `when` saying how long it waited (DXL_DISCONNECTED with the last failure's reason)
   * @param waitMs how long an event or response waits for a connection
   * @param connectWaitMs how long a request waits for a connection (within its own timeout)
   * @param timeoutError the error of a request sent and not answered in time (default: a bare DXL_TIMEOUT)
   */
  constructor(
    private readonly notConnected: (when: string, topic: string) => DxlError,
    private readonly waitMs: number,
    private readonly connectWaitMs = Infinity,
    private readonly timeoutError?: (topic: string, timeoutMs: number) => DxlError,
  ) {}

  /** The requests in flight and waiting now, and how those that ended ended. */
  counts(): RequestCounts {
    let waiting = 0;
    for (const entry of this.unsent) if (entry.requestId !== undefined && this.entries.has(entry.requestId)) waiting++;
    return {
      inFlight: this.entries.size - waiting,
      waiting,
      answered: this.answered,
      timedOut: this.timedOut,
      failed: { ...this.failed },
    };
  }

  private countFailure(code: string): void {
    this.failed[code] = (this.failed[code] ?? 0) + 1;
  }

  /** A request: published on `session` now, or once a connection is ready; resolves with its response. */
  request(messageId: string, topic: string, bytes: Buffer, timeoutMs: number, session: Publisher | undefined): Promise<DxlMessage> {
    const now = performance.now();
    const timeoutAt = now + timeoutMs;
    const deadline = session || this.connectWaitMs >= timeoutMs ? timeoutAt : now + this.connectWaitMs;
    if (deadline < this.armedFor) this.arm(deadline);
    const response = new Promise<DxlMessage>((resolve, reject) => {
      this.entries.set(messageId, { topic, timeoutMs, sent: session !== undefined, deadline, timeoutAt, resolve, reject });
    });
    if (session) session.publish(topic, bytes);
    else this.unsent.push({ topic, bytes, requestId: messageId });
    return response;
  }

  /** An event or response: published on `session` now, or queued until a connection is ready (within `waitMs`). */
  send(topic: string, bytes: Buffer, session: Publisher | undefined): Promise<void> {
    if (session) {
      session.publish(topic, bytes);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry: Unsent = {
        topic,
        bytes,
        settle: (error) => {
          clearTimeout(timer);
          if (error) reject(error);
          else resolve();
        },
      };
      const timer = setTimeout(() => {
        this.unsent = this.unsent.filter((queued) => queued !== entry);
        reject(this.notConnected(`within ${this.waitMs} ms`, topic));
      }, this.waitMs);
      this.unsent.push(entry);
    });
  }

  /** A connection is ready: sends what waited for one, in order (requests that timed out meanwhile are dropped). */
  flush(session: Publisher): void {
    const unsent = this.unsent;
    this.unsent = [];
    for (const entry of unsent) {
      if (entry.requestId !== undefined) {
        const pending = this.entries.get(entry.requestId);
        if (!pending) continue;
        pending.sent = true;
        pending.deadline = pending.timeoutAt;
      }
      session.publish(entry.topic, entry.bytes);
      entry.settle?.();
    }
  }

  /** Completes the request a Response or ErrorResponse answers; ignores unknown ids. */
  settle(message: DxlMessage): void {
    const pending = this.take(message.requestMessageId);
    if (!pending) return;
    if (message.messageType === MessageType.ErrorResponse) {
      const error = responseError(message, pending.topic);
      this.countFailure(error.code);
      pending.reject(error);
    } else {
      this.answered++;
      pending.resolve(message);
    }
  }

  /** Rejects every request already on the wire: their answers went with the connection. */
  failSent(): void {
    for (const [messageId, pending] of this.entries) {
      if (!pending.sent) continue;
      this.take(messageId);
      this.countFailure(DxlErrorCode.Disconnected);
      pending.reject(
        new DxlError(DxlErrorCode.Disconnected, `The connection was lost before the response to ${pending.topic} arrived`, {
          topic: pending.topic,
        }),
      );
    }
  }

  /** Rejects everything, sent or not (the client closes). */
  rejectAll(errorFor: (topic: string) => DxlError): void {
    for (const messageId of [...this.entries.keys()]) {
      const pending = this.take(messageId)!;
      pending.reject(errorFor(pending.topic));
    }
    const unsent = this.unsent;
    this.unsent = [];
    for (const entry of unsent) entry.settle?.(errorFor(entry.topic));
  }

  private take(messageId: string): PendingRequest | undefined {
    const pending = this.entries.get(messageId);
    if (!pending) return undefined;
    this.entries.delete(messageId);
    return pending;
  }

  /**
   * Not cleared when the last request settles (the next one would arm it again at once); it does
   * not keep the process alive, the connection does.
   */
  private arm(deadline: number): void {
    clearTimeout(this.timer);
    this.armedFor = deadline;
    // setTimeout takes at most 2^31 - 1 ms (24.8 days); beyond that it would fire at once, again and again.
    this.timer = setTimeout(() => this.expireDue(), Math.min(MAX_TIMER_MS, Math.max(0, deadline - performance.now())));
    this.timer.unref();
  }

  private expireDue(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const [messageId, pending] of this.entries) {
      if (pending.deadline <= now) this.expire(messageId, pending);
      else if (pending.deadline < next) next = pending.deadline;
    }
    if (next !== Infinity) this.arm(next);
  }

  private expire(messageId: string, pending: PendingRequest): void {
    this.entries.delete(messageId);
    if (pending.sent) {
      this.timedOut++;
      pending.reject(
        this.timeoutError?.(pending.topic, pending.timeoutMs) ??
          new DxlError(DxlErrorCode.Timeout, `No response to the request on ${pending.topic} within ${pending.timeoutMs} ms`, {
            topic: pending.topic,
          }),
      );
      return;
    }
    this.countFailure(DxlErrorCode.Disconnected);
    const waited =
      pending.deadline < pending.timeoutAt
        ? `within ${this.connectWaitMs} ms (its wait for a connection)`
        : `within the request timeout (${pending.timeoutMs} ms)`;
    pending.reject(this.notConnected(waited, pending.topic));
  }
}
