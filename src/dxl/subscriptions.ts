/**
 * Who receives what arrives on a topic: handlers by DXL topic (trailing `#` wildcards) and the
 * MQTT subscriptions they hold, counted.
 */
import type { MessageHandler } from './api';
import type { DxlMessage } from './message';
import type { DxlLogger } from './options';
import type { MqttSession } from './transport';

/** The handlers of one topic, and how many messages they were handed (a plain count: nothing to look up per message). */
class HandlerSet<H> extends Set<H> {
  received = 0;
}

/**
 * Handlers by DXL topic, for local dispatch. A handler registered on `/a/b/#` receives `/a/b/c`
 * and `/a/b/c/d` but not `/a/b`; `#` alone receives everything. Only a trailing `#` is a
 * wildcard in DXL (`+` is not). Service request handlers use it too (services.ts).
 */
export class TopicTable<H> {
  private readonly byTopic = new Map<string, HandlerSet<H>>();

  add(topic: string, handler: H): void {
    const handlers = this.byTopic.get(topic);
    if (handlers) handlers.add(handler);
    else this.byTopic.set(topic, new HandlerSet([handler]));
  }

  remove(topic: string, handler: H): void {
    const handlers = this.byTopic.get(topic);
    if (handlers?.delete(handler) && handlers.size === 0) this.byTopic.delete(topic);
  }

  /** Calls `visit` for every handler whose topic matches `topic`: exact first, then wildcard ancestors. */
  forEachMatch(topic: string, visit: (handler: H) => void): void {
    const exact = this.byTopic.get(topic);
    if (exact) {
      exact.received++;
      for (const handler of exact) visit(handler);
    }
    if (this.byTopic.size === (exact ? 1 : 0)) return;
    let end = topic.length;
    for (;;) {
      const slash = topic.lastIndexOf('/', end - 1);
      if (slash < 0) break;
      const wildcard = topic.slice(0, slash + 1) + '#';
      if (wildcard !== topic) {
        const handlers = this.byTopic.get(wildcard);
        if (handlers) {
          handlers.received++;
          for (const handler of handlers) visit(handler);
        }
      }
      end = slash;
      if (end === 0) break;
    }
    if (topic !== '#') {
      const all = this.byTopic.get('#');
      if (all) {
        all.received++;
        for (const handler of all) visit(handler);
      }
    }
  }

  /** Messages handed to each topic's handlers, for the topics held now. */
  receivedCounts(): Record<string, number> {
    return Object.fromEntries([...this.byTopic].map(([topic, handlers]) => [topic, handlers.received]));
  }
}

/**
 * Event handlers by DXL topic, and the MQTT subscriptions they need, counted: an MQTT topic is
 * subscribed when its first user comes and unsubscribed when its last one goes. Service request
 * topics count here too.
 */
export class Subscriptions {
  private readonly handlers = new TopicTable<MessageHandler>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly logger: DxlLogger) {}

  /** Number of MQTT topics held (the reply topic not included): for leak checks. */
  get size(): number {
    return this.counts.size;
  }

  topics(): string[] {
    return [...this.counts.keys()];
  }

  addHandler(topic: string, handler: MessageHandler): void {
    this.handlers.add(topic, handler);
  }

  removeHandler(topic: string, handler: MessageHandler): void {
    this.handlers.remove(topic, handler);
  }

  /** Events handed to the handlers of each subscribed topic. */
  receivedCounts(): Record<string, number> {
    return this.handlers.receivedCounts();
  }

  /** Hands an event to every handler whose topic matches; a handler that throws is logged. */
  deliver(message: DxlMessage): void {
    this.handlers.forEachMatch(message.destinationTopic, (handler) => {
      try {
        handler(message);
      } catch (error) {
        this.logger.warn(`handler for ${message.destinationTopic} failed: ${(error as Error).message}`);
      }
    });
  }

  /** Counts one more user of `topic`; the first one subscribes on the ready session, if any. */
  async retain(topic: string, session: MqttSession | undefined): Promise<void> {
    const count = this.counts.get(topic) ?? 0;
    this.counts.set(topic, count + 1);
    if (count > 0 || !session) return;
    await session.subscribe([topic]).catch((error: Error) => this.logger.warn(`subscribe to ${topic} failed: ${error.message}`));
  }

  /** Counts one user less; the last one unsubscribes on the ready session, if any. */
  async release(topic: string, session: MqttSession | undefined): Promise<void> {
    const count = this.counts.get(topic) ?? 0;
    if (count > 1) {
      this.counts.set(topic, count - 1);
      return;
    }
    this.counts.delete(topic);
    if (!session) return;
    await session.unsubscribe([topic]).catch(() => undefined);
  }
}
