import type { DxlError } from './errors';
import type { PendingRequests } from './pending-requests';
import type { MqttSession } from './transport';

interface QueuedPublish {
  topic: string;
  bytes: Buffer;
  /** For requests: sent only while the request is still pending (its own timeout rules). */
  requestId?: string;
  /** For events and responses: settles the sender's promise. */
  settle?: (error?: DxlError) => void;
}

/**
 * Messages made while no connection is ready, sent in order once one is. A request waits within
 * its own timeout (PendingRequests keeps it); an event or response waits up to `waitMs`.
 */
export class Outbox {
  private queued: QueuedPublish[] = [];

  constructor(
    private readonly pending: PendingRequests,
    private readonly waitMs: number,
    private readonly unsentError: (when: string, topic: string) => DxlError,
  ) {}

  /** Queues a request already added to the pending requests. */
  addRequest(topic: string, bytes: Buffer, requestId: string): void {
    this.queued.push({ topic, bytes, requestId });
  }

  /** Queues an event or response; resolves once it is sent. */
  add(topic: string, bytes: Buffer): Promise<void> {
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
        this.queued = this.queued.filter((queued) => queued !== entry);
        reject(this.unsentError(`within ${this.waitMs} ms`, topic));
      }, this.waitMs);
      this.queued.push(entry);
    });
  }

  flush(session: MqttSession): void {
    const queued = this.queued;
    this.queued = [];
    for (const entry of queued) {
      if (entry.requestId !== undefined && !this.pending.markSent(entry.requestId)) continue;
      session.publish(entry.topic, entry.bytes);
      entry.settle?.();
    }
  }

  rejectAll(errorFor: (topic: string) => DxlError): void {
    const queued = this.queued;
    this.queued = [];
    for (const entry of queued) entry.settle?.(errorFor(entry.topic));
  }
}
