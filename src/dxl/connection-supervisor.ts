/**
 * The connection: one at a time, to the best broker that answers, made again after a loss, with
 * the state and its reason that a person can act on (the ConnectionSupervisor class below).
 */
import { BrokerLog } from './broker-log';
import { type BrokerEndpoint, orderByResponseTime } from './broker-probe';
import { clientCertificateFailure } from './client-certificate';
import { type ConnectionState, describeConnectionError } from './connection-state';
import { DxlError, DxlErrorCode } from './errors';
import type { ResolvedOptions } from './options';
import { type ConnectionAttempt, type MqttSession, openConnection } from './transport';

type StateListener = (state: ConnectionState) => void;

/** What the client does with a connection the supervisor made. */
export interface SupervisorHooks {
  /** The MQTT topics every new connection subscribes before it counts as ready. */
  topics(): string[];
  /** The connection is ready: subscribed and usable. */
  ready(session: MqttSession): void;
  /** The ready connection was lost. */
  lost(): void;
  message(topic: string, payload: Buffer): void;
}

const PROBE_TIMEOUT_MS = 1000;

/**
 * One connection at a time to the best broker that answers: probes brokers, fails over at once when
 * a connection is lost, backs off (exponential, with jitter) when none answers, and says where it
 * stands with a reason a person can act on.
 */
export class ConnectionSupervisor {
  private current: MqttSession | undefined;
  private attempt: ConnectionAttempt | undefined;
  private isReady = false;
  private started = false;
  private stopped = false;
  private state: ConnectionState = { status: 'idle' };
  private readonly stateListeners = new Set<StateListener>();
  private readonly readyWaiters = new Set<{ resolve(): void; reject(error: DxlError): void }>();
  private wakeLoop: (() => void) | undefined;
  /** Why the latest connection attempt failed; cleared on success. */
  private lastFailure: { reason: string; cause: string } | undefined;
  /** The failure reason last logged per broker: logged again only when it changes, not on every retry. */
  private readonly loggedFailures = new Map<string, string>();
  private readonly probeAbort = new AbortController();
  /** Counts restarts: a loop pass, an attempt or a connection of an earlier generation gives way. */
  private generation = 0;
  /** Why the connection was restarted, for the state while it ends; cleared when it has ended. */
  private restartCause: { reason: string; cause: string } | undefined;
  /** Each broker's state, last failure and connections, for diagnostics. */
  readonly brokerLog = new BrokerLog();
  /** Wall-clock time the status last changed. */
  private statusSince = Date.now();

  constructor(
    private readonly options: ResolvedOptions,
    private readonly hooks: SupervisorHooks,
  ) {}

  get connectionState(): ConnectionState {
    return this.state;
  }

  /** Wall-clock time (ms since the epoch) of the last change of status. */
  get stateSince(): number {
    return this.statusSince;
  }

  /** Why the latest attempt failed, while no connection has been made since. */
  get lastAttemptFailure(): { reason: string; cause: string } | undefined {
    return this.lastFailure;
  }

  get ready(): boolean {
    return this.isReady;
  }

  get closed(): boolean {
    return this.stopped;
  }

  /** The ready connection, if there is one. */
  get session(): MqttSession | undefined {
    return this.isReady ? this.current : undefined;
  }

  onStateChange(listener: StateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    void this.connectionLoop();
  }

  /** Resolves once ready; with a timeout, rejects with DXL_DISCONNECTED naming the last failure. */
  whenReady(timeoutMs?: number): Promise<void> {
    this.start();
    if (this.isReady) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error: DxlError) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.readyWaiters.delete(waiter);
              reject(this.disconnectedError(`within ${timeoutMs} ms`));
            }, timeoutMs);
      this.readyWaiters.add(waiter);
    });
  }

  /** DXL_DISCONNECTED for something that could not be done for want of a connection, with the last failure's reason. */
  disconnectedError(when: string, topic?: string): DxlError {
    const last = this.lastFailure?.reason ?? (this.state.status === 'reconnecting' ? this.state.reason : undefined);
    const reason = last ? `: ${last}` : '';
    return new DxlError(DxlErrorCode.Disconnected, `Not connected to a DXL broker ${when}${reason}`, topic === undefined ? {} : { topic });
  }

  /**
   * Stops for good: no more attempts, waiters rejected with `closedError`; `beforeEnd` runs before
   * the connection ends (bounded, gracefully), so that what waits on it can be settled first.
   */
  async close(closedError: () => DxlError, beforeEnd: () => void): Promise<void> {
    this.stopped = true;
    this.probeAbort.abort();
    this.wakeLoop?.();
    this.attempt?.abort();
    beforeEnd();
    for (const waiter of this.readyWaiters) waiter.reject(closedError());
    this.readyWaiters.clear();
    const session = this.current;
    this.current = undefined;
    this.isReady = false;
    if (session) await session.end(false);
    this.setState({ status: 'closed', reason: 'closed' });
    this.stateListeners.clear();
  }

  /**
   * Starts over with the options as they are now (new brokers or TLS material): the current
   * connection, attempt or wait ends, and the next attempt probes the brokers again. The state says
   * `reason` with `cause` meanwhile. Nothing happens before the first connect or after close.
   */
  restart(reason: string, cause: string): void {
    if (!this.started || this.stopped) return;
    this.generation++;
    this.lastFailure = undefined;
    this.loggedFailures.clear();
    const session = this.current;
    // Said by the state when the current connection has ended; without one, there is nothing to end.
    this.restartCause = session ? { reason, cause } : undefined;
    const status = this.state.status === 'connected' || this.state.status === 'reconnecting' ? 'reconnecting' : 'connecting';
    this.setState({ status, reason, cause });
    this.attempt?.abort();
    this.wakeLoop?.();
    if (session) void session.end(true);
  }

  private setState(next: ConnectionState): void {
    const previous = this.state;
    this.state = next;
    if (previous.status !== next.status) this.statusSince = Date.now();
    if (previous.status === next.status && previous.reason === next.reason && previous.broker === next.broker) return;
    for (const listener of this.stateListeners) {
      try {
        listener(next);
      } catch (error) {
        this.options.logger.warn(`state listener failed: ${(error as Error).message}`);
      }
    }
  }

  private async connectionLoop(): Promise<void> {
    let failures = 0;
    let everConnected = false;
    while (!this.stopped) {
      const generation = this.generation;
      const endpoints = this.options.probeBrokers
        ? await orderByResponseTime(this.options.endpoints, PROBE_TIMEOUT_MS, this.probeAbort.signal)
        : this.options.endpoints;
      let lostConnection = false;
      for (const endpoint of endpoints) {
        if (this.stopped) return;
        if (generation !== this.generation) break;
        const session = await this.tryBroker(endpoint, everConnected ? 'reconnecting' : 'connecting', generation);
        if (!session) continue;
        if (generation !== this.generation) {
          // Restarted while this attempt was made: its options are not the current ones.
          await session.end(true);
          break;
        }
        if (this.stopped) {
          await session.end(true);
          return;
        }
        everConnected = true;
        failures = 0;
        this.lastFailure = undefined;
        this.loggedFailures.clear();
        await this.runConnection(session, endpoint);
        lostConnection = true;
        break;
      }
      if (this.stopped) return;
      if (generation !== this.generation) {
        failures = 0;
        continue; // restarted: at once, with the new options
      }
      if (lostConnection) continue; // fail over at once
      const base = Math.min(this.options.maxDelayMs, this.options.initialDelayMs * 2 ** failures);
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

  /** One attempt at one broker: the accepted session, or undefined with the failure recorded. */
  private async tryBroker(
    endpoint: BrokerEndpoint,
    status: 'connecting' | 'reconnecting',
    generation: number,
  ): Promise<MqttSession | undefined> {
    const broker = `${endpoint.host}:${endpoint.port}`;
    this.setState(
      this.lastFailure
        ? { status, broker, reason: this.lastFailure.reason, cause: this.lastFailure.cause }
        : { status, broker, reason: `connecting to ${broker}` },
    );
    this.brokerLog.trying(broker);
    try {
      this.attempt = openConnection(endpoint, this.options.transport);
      return await this.attempt.accepted;
    } catch (error) {
      if (generation !== this.generation) return undefined; // aborted by a restart: not a failure of this broker
      const described = describeConnectionError(error);
      const failure = clientCertificateFailure(this.options.certificateValidity, described) ?? described;
      if (this.loggedFailures.get(broker) !== failure.reason) {
        this.loggedFailures.set(broker, failure.reason);
        this.options.logger.warn(`cannot connect to ${broker}: ${failure.reason}`);
      }
      this.lastFailure = failure;
      this.brokerLog.failed(broker, failure);
      this.setState({ status, broker, ...failure });
      return undefined;
    } finally {
      this.attempt = undefined;
    }
  }

  /** Uses one accepted connection until it closes. */
  private runConnection(session: MqttSession, endpoint: BrokerEndpoint): Promise<void> {
    const broker = `${endpoint.host}:${endpoint.port}`;
    return new Promise<void>((resolve) => {
      let lastError: Error | undefined;
      this.current = session;
      session.listen({
        message: (topic, payload) => this.hooks.message(topic, payload),
        error: (error) => {
          lastError ??= error;
        },
        close: () => {
          const wasReady = this.isReady && this.current === session;
          if (this.current === session) this.current = undefined;
          this.isReady = false;
          if (wasReady) this.hooks.lost();
          const restarted = this.restartCause;
          this.restartCause = undefined;
          if (!this.stopped && restarted !== undefined) {
            this.brokerLog.lost(broker);
            this.options.logger.warn(`left ${broker}: ${restarted.reason}`);
            this.setState({ status: 'reconnecting', broker, ...restarted });
          } else if (!this.stopped) {
            const { reason, cause } = lastError
              ? describeConnectionError(lastError, 'connected')
              : { reason: `connection to ${broker} closed`, cause: 'CLOSED' };
            this.options.logger.warn(`lost connection to ${broker}: ${reason}`);
            this.lastFailure = { reason, cause };
            this.brokerLog.lost(broker, { reason, cause });
            this.setState({ status: 'reconnecting', broker, reason, cause });
          }
          resolve();
        },
      });
      session.subscribe(this.hooks.topics()).then(
        () => {
          if (this.current !== session || this.stopped) return;
          this.isReady = true;
          this.brokerLog.connected(broker);
          this.setState({ status: 'connected', broker, reason: `connected to ${broker}` });
          for (const waiter of this.readyWaiters) waiter.resolve();
          this.readyWaiters.clear();
          this.hooks.ready(session);
        },
        (error: Error) => {
          // A subscription cut short by the connection's end keeps the cause of that end.
          lastError ??= error;
          void session.end(true);
        },
      );
    });
  }
}
