/**
 * The DXL client's contract: what a caller passes (handlers, options, service definitions) and
 * `DxlMessaging`, the messaging surface the TIE layer and the nodes need of a DXL client.
 */
import type { DxlMessage, DxlPayload } from './message';

/** Called for every message delivered to a subscription. Must not throw; errors are logged and dropped. */
export type MessageHandler = (message: DxlMessage) => void;

/** Removes a subscription; the MQTT subscription goes when its last handler goes. */
export type Unsubscribe = () => Promise<void>;

export interface RequestOptions {
  /** Local timeout; defaults to the client's requestTimeoutMs. Nothing goes on the wire when it fires. */
  timeoutMs?: number;
  /** Targets one service instance. */
  serviceId?: string;
  otherFields?: Record<string, string>;
}

export interface EventOptions {
  otherFields?: Record<string, string>;
}

/** Answers one request by calling `sendResponse` or `sendErrorResponse` on the client. */
export type RequestHandler = (request: DxlMessage) => void | Promise<void>;

export interface ServiceInfo {
  serviceType: string;
  /** Request topics (DXL wildcards allowed) and the handler for each. */
  topics: Record<string, RequestHandler>;
  /** Registration lifetime; re-registered every ttlMins. Default 60. */
  ttlMins?: number;
  /** Values must be strings: the broker reads them as such. */
  metadata?: Record<string, string>;
  /** Instance id; a fresh `{uuid}` when absent. */
  serviceId?: string;
  /**
   * On unregister or close, how long requests already handed to the handlers may take to be
   * answered (requests the fabric routed before the unregistration are still handled meanwhile).
   * Default 1000 ms.
   */
  drainMs?: number;
}

export interface ServiceRegistration {
  readonly serviceId: string;
  /** True once the fabric answered a registration; a plain MQTT broker never does. */
  readonly acknowledged: boolean;
  /**
   * Sends the unregister request (bounded wait), lets the handlers answer what they hold (within
   * drainMs), then removes them.
   */
  unregister(): Promise<void>;
}

/** The messaging surface the TIE layer needs from a DXL client. */
export interface DxlMessaging {
  readonly clientId: string;
  request(topic: string, payload: DxlPayload, options?: RequestOptions): Promise<DxlMessage>;
  sendEvent(topic: string, payload: DxlPayload, options?: EventOptions): Promise<void>;
  /** Resolves once the broker acknowledged the subscription, or at once when offline (made on connect). */
  subscribe(topic: string, handler: MessageHandler): Promise<Unsubscribe>;
  registerService(info: ServiceInfo): Promise<ServiceRegistration>;
  sendResponse(request: DxlMessage, payload: DxlPayload): void;
  sendErrorResponse(request: DxlMessage, errorCode: number, errorMessage: string): void;
}
