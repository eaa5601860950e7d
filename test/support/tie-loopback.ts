/**
 * For the TIE unit tests: an in-process DxlMessaging (no network) that routes requests to
 * registered services and events to subscribers, and records what went through it. The
 * integration tests use real brokers instead.
 */
import type {
  DxlMessaging,
  MessageHandler,
  RequestHandler,
  RequestOptions,
  ServiceInfo,
  ServiceRegistration,
  Unsubscribe,
} from '../../src/dxl/api';
import { DxlError, DxlErrorCode, FabricErrorCode, codeForFabricError } from '../../src/dxl/errors';
import { type DxlMessage, type DxlPayload, MessageType, emptyMessage, payloadToBuffer } from '../../src/dxl/message';

export interface Sent {
  topic: string;
  payload: string;
}

let nextId = 1;

export class LoopbackDxl implements DxlMessaging {
  readonly clientId = '{loopback}';
  readonly requests: Sent[] = [];
  readonly events: Sent[] = [];
  private readonly services = new Map<string, RequestHandler>();
  private readonly subscribers = new Map<string, Set<MessageHandler>>();
  private readonly waiting = new Map<string, { resolve(m: DxlMessage): void; reject(e: Error): void; timer?: NodeJS.Timeout }>();

  /** Topics with at least one subscriber. */
  get subscribedTopics(): string[] {
    return [...this.subscribers.entries()].filter(([, set]) => set.size > 0).map(([topic]) => topic);
  }

  get serviceTopics(): string[] {
    return [...this.services.keys()];
  }

  request(topic: string, payload: DxlPayload, options: RequestOptions = {}): Promise<DxlMessage> {
    const message = emptyMessage(MessageType.Request, topic);
    message.messageId = `{request-${nextId++}}`;
    message.replyToTopic = '/mcafee/client/{loopback}';
    message.sourceClientId = this.clientId;
    message.payload = payloadToBuffer(payload);
    this.requests.push({ topic, payload: message.payload.toString('utf8') });
    const handler = this.services.get(topic);
    if (handler === undefined) {
      return Promise.reject(
        new DxlError(DxlErrorCode.ServiceUnavailable, 'unable to locate service for request', {
          fabricCode: FabricErrorCode.ServiceUnavailable,
          topic,
        }),
      );
    }
    return new Promise<DxlMessage>((resolve, reject) => {
      const entry: { resolve(m: DxlMessage): void; reject(e: Error): void; timer?: NodeJS.Timeout } = { resolve, reject };
      if (options.timeoutMs !== undefined) {
        entry.timer = setTimeout(() => {
          this.waiting.delete(message.messageId);
          reject(new DxlError(DxlErrorCode.Timeout, `No response to the request on ${topic}`, { topic }));
        }, options.timeoutMs);
      }
      this.waiting.set(message.messageId, entry);
      setImmediate(() => {
        try {
          void handler(message);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
  }

  sendEvent(topic: string, payload: DxlPayload): Promise<void> {
    // An executor that throws rejects the promise, as the async method did.
    return new Promise((resolve) => {
      const buffer = payloadToBuffer(payload);
      this.events.push({ topic, payload: buffer.toString('utf8') });
      const handlers = [...(this.subscribers.get(topic) ?? [])];
      setImmediate(() => {
        for (const handler of handlers) {
          const message = emptyMessage(MessageType.Event, topic);
          message.messageId = `{event-${nextId++}}`;
          message.payload = buffer;
          handler(message);
        }
      });
      resolve();
    });
  }

  /** Subscriptions held on a topic. */
  subscriberCount(topic: string): number {
    return this.subscribers.get(topic)?.size ?? 0;
  }

  /** Delivers an event as if another client had published it. */
  deliver(topic: string, payload: DxlPayload): void {
    for (const handler of [...(this.subscribers.get(topic) ?? [])]) {
      const message = emptyMessage(MessageType.Event, topic);
      message.payload = payloadToBuffer(payload);
      handler(message);
    }
  }

  subscribe(topic: string, handler: MessageHandler): Promise<Unsubscribe> {
    let set = this.subscribers.get(topic);
    if (set === undefined) this.subscribers.set(topic, (set = new Set()));
    const entry: MessageHandler = (message) => handler(message);
    set.add(entry);
    return Promise.resolve(() => {
      set?.delete(entry);
      return Promise.resolve();
    });
  }

  registerService(info: ServiceInfo): Promise<ServiceRegistration> {
    for (const [topic, handler] of Object.entries(info.topics)) this.services.set(topic, handler);
    return Promise.resolve({
      serviceId: info.serviceId ?? '{loopback-service}',
      acknowledged: true,
      unregister: () => {
        for (const topic of Object.keys(info.topics)) this.services.delete(topic);
        return Promise.resolve();
      },
    });
  }

  /** Answers requests on a topic with a fixed payload (or an error). */
  serve(topic: string, answer: (request: DxlMessage) => { payload: string } | { errorCode: number; errorMessage: string }): void {
    this.services.set(topic, (request) => {
      const reply = answer(request);
      if ('payload' in reply) this.sendResponse(request, reply.payload);
      else this.sendErrorResponse(request, reply.errorCode, reply.errorMessage);
    });
  }

  sendResponse(request: DxlMessage, payload: DxlPayload): void {
    const entry = this.waiting.get(request.messageId);
    if (entry === undefined) return;
    this.waiting.delete(request.messageId);
    if (entry.timer) clearTimeout(entry.timer);
    const response = emptyMessage(MessageType.Response, request.replyToTopic);
    response.requestMessageId = request.messageId;
    response.payload = payloadToBuffer(payload);
    entry.resolve(response);
  }

  sendErrorResponse(request: DxlMessage, errorCode: number, errorMessage: string): void {
    const entry = this.waiting.get(request.messageId);
    if (entry === undefined) return;
    this.waiting.delete(request.messageId);
    if (entry.timer) clearTimeout(entry.timer);
    entry.reject(new DxlError(codeForFabricError(errorCode), errorMessage, { fabricCode: errorCode, topic: request.destinationTopic }));
  }
}

/** Resolves after pending immediates (deliveries) have run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
