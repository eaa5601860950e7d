import { DxlError, DxlErrorCode, codeForFabricError } from './errors';
import { type DxlMessage, MessageType } from './message';

interface PendingRequest {
  topic: string;
  timeoutMs: number;
  /** False while the request waits in the outbox for a connection. */
  sent: boolean;
  timer: NodeJS.Timeout;
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
 */
export class PendingRequests {
  private readonly entries = new Map<string, PendingRequest>();

  constructor(private readonly unsentTimeout: (topic: string, timeoutMs: number) => DxlError) {}

  add(messageId: string, topic: string, timeoutMs: number, sent: boolean): Promise<DxlMessage> {
    return new Promise<DxlMessage>((resolve, reject) => {
      this.entries.set(messageId, {
        topic,
        timeoutMs,
        sent,
        timer: setTimeout(() => this.expire(messageId), timeoutMs),
        resolve,
        reject,
      });
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
    clearTimeout(pending.timer);
    return pending;
  }

  private expire(messageId: string): void {
    const pending = this.take(messageId);
    if (!pending) return;
    pending.reject(
      pending.sent
        ? new DxlError(DxlErrorCode.Timeout, `No response to the request on ${pending.topic} within ${pending.timeoutMs} ms`, {
            topic: pending.topic,
          })
        : this.unsentTimeout(pending.topic, pending.timeoutMs),
    );
  }
}
