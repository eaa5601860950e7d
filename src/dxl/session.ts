/**
 * What DxlClient needs of one MQTT session to one broker, and all it knows of MQTT. The session
 * is mqtt.js on a stream we open (see transport.ts); a test can drive the client through this
 * interface alone.
 */

/** Where a session reports what happens to it once accepted. */
export interface SessionEvents {
  /** A message delivered on a subscribed topic. */
  message(topic: string, payload: Buffer): void;
  /** An error that ends the session; `close` follows. */
  error(error: Error): void;
  /** The session is over (its stream is gone); called once. */
  close(): void;
}

export interface MqttSession {
  /** QoS 0, fire and forget. Nothing is sent once the session is ending. */
  publish(topic: string, payload: Buffer): void;
  /** Subscribes at QoS 0; rejects when the broker refuses a topic (SUBSCRIBE_REFUSED) or the session ends first. */
  subscribe(topics: readonly string[]): Promise<void>;
  unsubscribe(topics: readonly string[]): Promise<void>;
  /** Sets where events go; messages arriving before it is called are dropped (none can: nothing is subscribed yet). */
  listen(events: SessionEvents): void;
  /**
   * Ends the session. Gracefully: DISCONNECT, then the stream ends, bounded in time. Forced: the
   * stream is destroyed at once. Resolves once the stream is gone.
   */
  end(force: boolean): Promise<void>;
}

/** A session being opened. */
export interface ConnectionAttempt {
  /** Resolves once the broker accepted the session (CONNACK); rejects with the error that ended the attempt. */
  accepted: Promise<MqttSession>;
  /** Gives the attempt up: the stream is destroyed, `accepted` rejects. */
  abort(): void;
}

/** Stable `code`s of session errors, beside the TLS and network codes of the stream. */
export const SessionErrorCode = {
  /** The broker answered CONNECT with a refusal. */
  ConnectionRefused: 'CONNECTION_REFUSED',
  /** No CONNACK within the connect timeout. */
  ConnectTimeout: 'CONNECT_TIMEOUT',
  /** The broker answered nothing for one and a half keepalive intervals. */
  KeepaliveTimeout: 'KEEPALIVE_TIMEOUT',
  /** The broker refused a subscription (SUBACK 0x80). */
  SubscribeRefused: 'SUBSCRIBE_REFUSED',
  /** The session ended before the broker answered. */
  Closed: 'CLOSED',
  /** The broker sent something MQTT does not allow. */
  Protocol: 'MQTT_PROTOCOL_ERROR',
  /** The server's first answer to CONNECT was not MQTT at all: another TLS service (HTTPS) on that port. */
  NotMqtt: 'NOT_MQTT',
} as const;

export function sessionError(message: string, code: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}
