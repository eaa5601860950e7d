import { DxlError, DxlErrorCode, codeForFabricError } from './errors';
import { type DxlMessage, MessageType } from './message';

const MAX_TIMER_MS = 0x7fffffff;

interface PendingRequest {
  topic: string;
  timeoutMs: number;
  /** False while the request waits in the outbox for a connection. */
  sent: boolean;
  /** performance.now() (monotonic, unlike the wall clock) at which it times out. */
  deadline: number;
  resolve(response: DxlMessage): void;
  reject(error: DxlError): void;
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
 * Requests waiting for their response, by message id, each with its own timeout. A request
 * that times out before it was sent failed for want of a connection, not of an answer:
 * `unsentTimeout` names that error.
 *
 * One timer serves them all, armed for the earliest deadline: a timer per request cost a
 * timer-list insert and removal on every request, for a timeout that almost never fires.
 */
export class PendingRequests {
  private readonly entries = new Map<string, PendingRequest>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  constructor(private readonly unsentTimeout: (topic: string, timeoutMs: number) => DxlError) {}

  add(messageId: string, topic: string, timeoutMs: number, sent: boolean): Promise<DxlMessage> {
    const deadline = performance.now() + timeoutMs;
    if (deadline < this.armedFor) this.arm(deadline);
    return new Promise<DxlMessage>((resolve, reject) => {
      this.entries.set(messageId, { topic, timeoutMs, sent, deadline, resolve, reject });
    });
  }

  /** Marks a queued request as sent; false when it is no longer pending (timed out meanwhile). */
  markSent(messageId: string): boolean {
    const pending = this.entries.get(messageId);
    if (!pending) return false;
    pending.sent = true;
    return true;
  }

  /** Completes the request a Response or ErrorResponse answers; ignores unknown ids. */
  settle(message: DxlMessage): void {
    const pending = this.take(message.requestMessageId);
    if (!pending) return;
    if (message.messageType === MessageType.ErrorResponse) pending.reject(responseError(message, pending.topic));
    else pending.resolve(message);
  }

  /** Rejects every request already on the wire: their answers went with the connection. */
  failSent(): void {
    for (const [messageId, pending] of this.entries) {
      if (!pending.sent) continue;
      this.take(messageId);
      pending.reject(
        new DxlError(DxlErrorCode.Disconnected, `The connection was lost before the response to ${pending.topic} arrived`, {
          topic: pending.topic,
        }),
      );
    }
  }

  rejectAll(errorFor: (topic: string) => DxlError): void {
    for (const messageId of [...this.entries.keys()]) {
      const pending = this.take(messageId)!;
      pending.reject(errorFor(pending.topic));
    }
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
    pending.reject(
      pending.sent
        ? new DxlError(DxlErrorCode.Timeout, `No response to the request on ${pending.topic} within ${pending.timeoutMs} ms`, {
            topic: pending.topic,
          })
        : this.unsentTimeout(pending.topic, pending.timeoutMs),
    );
  }
}
