/**
 * The client's outbox: requests on their way and waiting for their responses, and the messages made
 * while no connection was ready.
 */
import { DxlError, DxlErrorCode, codeForFabricError } from './errors';
import type { RequestCounts } from './diagnostics';
import { type DxlMessage, MessageType } from './message';
import type { MqttSession } from './mqtt-session';

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
 * What the client has sent or means to send and not yet seen through: requests waiting for their
 * response (by message id, each with its own timeout), and the messages made while no connection
 * was ready, sent in order once one is. A request waits for a connection within its own timeout; an
 * event or response waits up to `waitMs`.
 *
 * One timer serves every request, armed for the earliest deadline: a timer per request cost a
 * timer-list insert and removal on every request, for a timeout that almost never fires.
 */
export class Outbox {
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
