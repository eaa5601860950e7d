/**
 * The dxl service and response pair. A service node holds its registration as an event node holds
 * a subscription (event-node.ts) and hands each request to its flow; the requests wait for a dxl
 * response node, the way Node-RED's HTTP in and HTTP response pair works: the msg carries a key (msg._dxlRequest,
 * text, so it survives msg cloning), the response node answers by that key. A request the flow
 * does not answer in time, or still open when its service node stops, gets an error response:
 * the requester hears an answer, never silence.
 */
import { randomUUID } from 'node:crypto';
import type { DxlMessaging } from '../../src/dxl/api';
import { FabricErrorCode } from '../../src/dxl/errors';
import type { DxlMessage } from '../../src/dxl/message';
import { ServiceHandlerFailed } from '../../src/dxl/services';
import { type PayloadFormat, checkTopic, decodePayload, dxlFields } from './dxl-messages';
import { splitTopics } from './dxl-topics';
import { NodeErrorCode, TieNodeError } from './errors';
import { DXL_ERROR_CODE, readNumber } from '../../src/dxl/numbers';
import { textFromUser } from '../../src/tie/arguments';
import { setupSubscribingNode } from './event-node';
import type { EventMessage, EventSource } from './event-sources';
import type { NodeInstance, NodeRedApi } from './node-red';

/** The msg property that carries a request's key from the service node to the response node. */
export const REQUEST_KEY_PROPERTY = '_dxlRequest';

/** What a response node sends back: a payload, or an error code and message. */
export type DxlAnswer = { payload: Buffer } | { errorCode: number; errorMessage: string };

interface OpenRequest {
  request: DxlMessage;
  owner: ServiceRequests;
  timer: NodeJS.Timeout;
}

/** Every open request of every service node of this process, by key: the response node needs no link to its service node. */
const open = new Map<string, OpenRequest>();

const KEY_RE = /^dxl-request:[0-9a-f-]{36}$/;

export interface ServiceRequestsOptions {
  dxl: DxlMessaging;
  /** How long the flow has to answer. */
  timeoutMs: number;
  /** Requests waiting at most; one more is refused as overloaded. */
  maxPending: number;
}

/** The open requests of one service node. */
export class ServiceRequests {
  private readonly keys = new Set<string>();
  private closed = false;

  constructor(private readonly options: ServiceRequestsOptions) {}

  get pending(): number {
    return this.keys.size;
  }

  /** Opens `request` and returns its key; undefined when it was refused (overloaded, or the node stopped) with an error response. */
  admit(request: DxlMessage): string | undefined {
    if (this.closed) {
      this.options.dxl.sendErrorResponse(request, FabricErrorCode.ServiceUnavailable, 'The service is stopping');
      return undefined;
    }
    if (this.keys.size >= this.options.maxPending) {
      this.options.dxl.sendErrorResponse(
        request,
        FabricErrorCode.ServiceOverloaded,
        `The service has ${this.keys.size} requests waiting for its flow's answer`,
      );
      return undefined;
    }
    const key = `dxl-request:${randomUUID()}`;
    const timer = setTimeout(() => {
      if (!this.settle(key)) return;
      const seconds = Math.round(this.options.timeoutMs / 100) / 10;
      this.options.dxl.sendErrorResponse(request, FabricErrorCode.ResponseTimeout, `The service's flow did not answer within ${seconds} s`);
    }, this.options.timeoutMs);
    timer.unref();
    open.set(key, { request, owner: this, timer });
    this.keys.add(key);
    return key;
  }

  /** Answers every open request with an error (the service stops) and takes no more. */
  close(): void {
    this.closed = true;
    for (const key of [...this.keys]) {
      const entry = open.get(key);
      if (!this.settle(key) || entry === undefined) continue;
      this.options.dxl.sendErrorResponse(entry.request, FabricErrorCode.ServiceUnavailable, 'The service stopped before its flow answered');
    }
  }

  /** Sends `answer` to the open request of `key`; returns it, or undefined when it is not open (here). */
  answer(key: string, answer: DxlAnswer): DxlMessage | undefined {
    const request = open.get(key)?.request;
    if (request === undefined || !this.settle(key)) return undefined;
    if ('payload' in answer) this.options.dxl.sendResponse(request, answer.payload);
    else this.options.dxl.sendErrorResponse(request, answer.errorCode, answer.errorMessage);
    return request;
  }

  /** Forgets the request of `key` without answering it. */
  withdraw(key: string): void {
    this.settle(key);
  }

  private settle(key: string): boolean {
    const entry = open.get(key);
    if (entry === undefined || entry.owner !== this) return false;
    clearTimeout(entry.timer);
    open.delete(key);
    this.keys.delete(key);
    return true;
  }
}

/**
 * Answers the request whose key a msg carries. Throws DXL_NO_REQUEST when `key` is no request key
 * (the msg did not come from a dxl service node, or lost the property), DXL_REQUEST_GONE when the
 * request was answered already, timed out, or its service node stopped.
 */
export function answerRequest(key: unknown, answer: DxlAnswer): DxlMessage {
  if (typeof key !== 'string' || !KEY_RE.test(key)) {
    throw new TieNodeError(
      NodeErrorCode.NoRequest,
      `This msg answers no DXL request: msg.${REQUEST_KEY_PROPERTY} is missing. Send the msg a dxl service node sent, keeping msg.${REQUEST_KEY_PROPERTY}`,
    );
  }
  const request = open.get(key)?.owner.answer(key, answer);
  if (request === undefined) {
    throw new TieNodeError(NodeErrorCode.RequestGone, 'The DXL request was answered already, timed out, or its dxl service node stopped');
  }
  return request;
}

/** An error response's code: a whole number that fits the 32 bits DXL carries. */
export function errorCodeOf(value: unknown): number {
  const n = readNumber(value, DXL_ERROR_CODE);
  if (n === undefined) {
    throw new TieNodeError(
      NodeErrorCode.InvalidPayload,
      `An error response's code must be a whole number of 32 bits (-2147483648 to 4294967295), got ${JSON.stringify(value) ?? String(value)}`,
    );
  }
  return n;
}

/** An error response's message: text, or a number or boolean as text; `label` names where it was read. */
export function errorMessageOf(value: unknown, label: string): string {
  return textFromUser(value, label);
}

/** The longest a stopping service node waits for its flow's answers, in seconds: Node-RED gives a stopping node 15. */
export const SERVICE_DRAIN_MAX_S = 10;
const SERVICE_DRAIN_MAX_MS = SERVICE_DRAIN_MAX_S * 1000;

type RuntimeEvents = NodeRedApi['events'];

/** The kind of the stop under way (Node-RED's "flows:stopping"), per runtime; undefined when none is. */
const stops = new WeakMap<RuntimeEvents, { type: string | undefined }>();

/** Listens for the runtime's flow stops, once per runtime; called when the node type registers. */
export function trackFlowStops(RED: NodeRedApi): void {
  if (stops.has(RED.events)) return;
  const stop: { type: string | undefined } = { type: undefined };
  RED.events.on('flows:stopping', (event: unknown) => {
    const type = (event as { type?: unknown } | undefined)?.type;
    stop.type = typeof type === 'string' ? type : 'full';
  });
  RED.events.on('flows:stopped', () => (stop.type = undefined));
  stops.set(RED.events, stop);
}

/**
 * Whether the nodes after a stopping service node stop with it: a full deploy, Node-RED's
 * shutdown, or a Modified Flows deploy (which restarts the nodes wired to a changed one). Only a
 * Modified Nodes deploy keeps them running.
 */
function flowStopsToo(RED: NodeRedApi): boolean {
  const type = stops.get(RED.events)?.type;
  return type === 'full' || type === 'flows';
}

/** What a service source needs of its node to stop cleanly. */
export interface ServiceStop {
  /** Sends a msg on while the node drains (its event-node road takes none once it closed). */
  send(msg: EventMessage): void;
  /** True once the node closed. */
  readonly closed: boolean;
  /** True when the rest of the flow stops with the node, so no answer can come. */
  flowStops(): boolean;
}

export interface ServiceSettings {
  serviceType: string;
  /** Request topics as the node holds them: separated by commas or new lines. */
  topics: string;
  format: PayloadFormat;
  timeoutMs: number;
  maxPending: number;
}

/** The request topics of a setting, each checked (a trailing # allowed); DXL_NO_TOPIC when there is none. */
export function serviceTopics(setting: string): string[] {
  const topics = splitTopics(setting);
  if (topics.length === 0) throw new TieNodeError(NodeErrorCode.NoTopic, 'A dxl service needs at least one request topic');
  return topics.map((topic) => checkTopic(topic, 'subscribe', 'The request topic'));
}

/**
 * A DXL service registered on the connection, as an event node's source: each request becomes a
 * msg (its key in msg._dxlRequest); the registration and its open requests end with the subscription.
 * The end is a clean stop: the fabric is told first, then requests already in the flow, and those
 * the fabric routed before it stopped routing here, are answered by the flow (within the service
 * timeout, at most SERVICE_DRAIN_MAX_S) when the flow still runs; at once with an error when it stops too.
 */
export function dxlServiceSource(settings: ServiceSettings, stop: ServiceStop): EventSource {
  return {
    topic: settings.topics,
    subscribe: async ({ dxl }, send, fail) => {
      const topics = serviceTopics(settings.topics);
      const requests = new ServiceRequests({ dxl, timeoutMs: settings.timeoutMs, maxPending: settings.maxPending });
      let draining = false;
      const onRequest = (request: DxlMessage): void => {
        const key = requests.admit(request);
        if (key === undefined) return;
        let payload: unknown;
        try {
          payload = decodePayload(request.payload, settings.format, request.destinationTopic);
        } catch (error) {
          requests.answer(key, { errorCode: ServiceHandlerFailed, errorMessage: (error as Error).message });
          fail(error as Error, request);
          return;
        }
        const msg = { topic: request.destinationTopic, payload, dxl: dxlFields(request), [REQUEST_KEY_PROPERTY]: key };
        if (draining) stop.send(msg);
        // A stopped node's registration still being acknowledged: the node now running answers.
        else if (!send(msg)) requests.withdraw(key);
      };
      const registration = await dxl.registerService({
        serviceType: settings.serviceType,
        topics: Object.fromEntries(topics.map((topic) => [topic, onRequest])),
        drainMs: Math.min(settings.timeoutMs, SERVICE_DRAIN_MAX_MS),
      });
      const madeAfterClose = stop.closed;
      return async () => {
        // Nobody is left to answer: what is open, and what still arrives, gets an error at once.
        if (madeAfterClose || stop.flowStops()) requests.close();
        else draining = true;
        await registration.unregister();
        requests.close();
      };
    },
  };
}

/** Sets up a dxl service node: its registration held like a subscription, each request counted in its status and sent. */
export function setupServiceNode(RED: NodeRedApi, node: NodeInstance, configId: string | undefined, settings: ServiceSettings): void {
  let closed = false;
  node.on('close', () => {
    closed = true;
  });
  const stop: ServiceStop = {
    send: (msg) => node.send(msg),
    get closed() {
      return closed;
    },
    flowStops: () => flowStopsToo(RED),
  };
  setupSubscribingNode(RED, node, configId, [dxlServiceSource(settings, stop)], 'request');
}
