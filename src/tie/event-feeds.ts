/**
 * TIE events, one road: one DXL subscription per event topic however many handlers listen, and
 * each event parsed and transformed once. The first handler gets the decoded event, each further
 * one a copy (as Node-RED copies a msg sent to several wires), so that no handler sees another's
 * changes. Raw observers (the reputation cache) see the parsed payload before it is transformed.
 */
import type { DxlMessaging, Unsubscribe } from '../dxl/api';
import { type DxlMessage, parseJsonPayload } from '../dxl/message';
import { TieError, invalidResponse } from './errors';
import type { EventSenders } from './event-senders';

export type EventHandler<T> = (event: T, message: DxlMessage) => void;
export type EventErrorHandler = (error: Error, message: DxlMessage) => void;

/** The parsed JSON of an event; TIE_INVALID_RESPONSE when it is not JSON. The one text for that failure. */
export function parseEventPayload(message: DxlMessage): unknown {
  try {
    return parseJsonPayload(message.payload);
  } catch (error) {
    throw invalidResponse(`event on ${message.destinationTopic} is not JSON: ${errorText(error)}`, error);
  }
}

/** An event's payload parsed and transformed into what the official clients' callbacks receive. */
export function decodeEvent<T>(message: DxlMessage, transform: (payload: unknown) => T): T {
  return transform(parseEventPayload(message));
}

interface Listener {
  handler: EventHandler<unknown>;
  /** Errors of this listener's events; undefined: rethrown to the DXL client, which logs them. */
  onError: EventErrorHandler | undefined;
}

interface Feed {
  readonly transform: (payload: unknown) => unknown;
  readonly listeners: Set<Listener>;
  readonly observers: Set<(payload: unknown) => void>;
  readonly subscribed: Promise<Unsubscribe>;
}

export class EventFeeds {
  private readonly dxl: DxlMessaging;
  private readonly senders: EventSenders | undefined;
  private readonly feeds = new Map<string, Feed>();

  /** With `senders`, an event reaches observers and listeners only when its sender is trusted. */
  constructor(dxl: DxlMessaging, senders?: EventSenders) {
    this.dxl = dxl;
    this.senders = senders;
  }

  /** Delivers the events of `topic`, decoded by `transform`, to `handler`; resolves once subscribed. */
  listen<T>(
    topic: string,
    transform: (payload: unknown) => T,
    handler: EventHandler<T>,
    onError?: EventErrorHandler,
  ): Promise<Unsubscribe> {
    const listener: Listener = { handler: handler as EventHandler<unknown>, onError };
    return this.join(
      topic,
      transform,
      (feed) => feed.listeners.add(listener),
      (feed) => feed.listeners.delete(listener),
    );
  }

  /** Calls `observer` with the parsed payload of every event of `topic` (never transformed for it); errors are its own. */
  observe(topic: string, transform: (payload: unknown) => unknown, observer: (payload: unknown) => void): Promise<Unsubscribe> {
    return this.join(
      topic,
      transform,
      (feed) => feed.observers.add(observer),
      (feed) => feed.observers.delete(observer),
    );
  }

  private async join(
    topic: string,
    transform: (payload: unknown) => unknown,
    add: (feed: Feed) => void,
    remove: (feed: Feed) => void,
  ): Promise<Unsubscribe> {
    const feed = this.feedFor(topic, transform);
    add(feed);
    try {
      await feed.subscribed;
    } catch (error) {
      remove(feed);
      this.dropIfUnused(topic, feed);
      throw error;
    }
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      remove(feed);
      if (this.dropIfUnused(topic, feed)) await (await feed.subscribed)();
    };
  }

  private feedFor(topic: string, transform: (payload: unknown) => unknown): Feed {
    const existing = this.feeds.get(topic);
    if (existing !== undefined) return existing;
    const listeners = new Set<Listener>();
    const observers = new Set<(payload: unknown) => void>();
    const feed: Feed = {
      transform,
      listeners,
      observers,
      subscribed: this.dxl.subscribe(topic, (message) => this.admit(feed, message)),
    };
    // A failed subscription is reported to each joiner; the feed is dropped so that the next one retries.
    feed.subscribed.catch(() => {
      if (this.feeds.get(topic) === feed) this.feeds.delete(topic);
    });
    this.feeds.set(topic, feed);
    return feed;
  }

  private admit(feed: Feed, message: DxlMessage): void {
    const trusted = this.senders === undefined ? true : this.senders.judge(message);
    if (trusted === true) {
      deliver(feed, message);
    } else if (trusted !== false) {
      void trusted.then((late) => {
        if (!late) return;
        try {
          deliver(feed, message);
        } catch {
          // Only a listener with no error handler rethrows; out of the DXL client's call, nobody is left to log it.
        }
      });
    }
  }

  /** Forgets a feed nobody uses any more; true when its DXL subscription is to be removed. */
  private dropIfUnused(topic: string, feed: Feed): boolean {
    if (feed.listeners.size > 0 || feed.observers.size > 0) return false;
    if (this.feeds.get(topic) === feed) this.feeds.delete(topic);
    return true;
  }
}

function deliver(feed: Feed, message: DxlMessage): void {
  let payload: unknown;
  let failure: Error | undefined;
  try {
    payload = parseEventPayload(message);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  if (failure === undefined) {
    for (const observer of feed.observers) {
      try {
        observer(payload);
      } catch {
        // An observer's trouble is its own; the handlers still get the event.
      }
    }
  }
  if (feed.listeners.size === 0) return;
  let event: unknown;
  if (failure === undefined) {
    try {
      event = feed.transform(payload);
    } catch (error) {
      failure =
        error instanceof TieError
          ? error
          : invalidResponse(`event on ${message.destinationTopic} is not a TIE payload: ${errorText(error)}`, error);
    }
  }
  let unhandled: Error | undefined;
  let first = true;
  for (const listener of [...feed.listeners]) {
    let error = failure;
    if (error === undefined) {
      try {
        listener.handler(first ? event : structuredClone(event), message);
      } catch (thrown) {
        error = thrown instanceof Error ? thrown : new Error(String(thrown));
      }
      first = false;
    }
    if (error === undefined) continue;
    if (listener.onError !== undefined) {
      try {
        listener.onError(error, message);
      } catch {
        // An error handler that fails has nobody left to tell.
      }
    } else {
      unhandled ??= error;
    }
  }
  if (unhandled !== undefined) throw unhandled;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
