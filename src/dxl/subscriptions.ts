import type { MessageHandler } from './api';
import type { DxlMessage } from './message';
import type { DxlLogger } from './options';
import { TopicTable } from './topic-table';
import type { MqttSession } from './transport';

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
