/**
 * The errors that end an MQTT session, with stable codes: mqtt.js's own errors carry none (a CONNACK
 * refusal carries its number), so each is given one here.
 */
import { ConnectionCause } from './connection-state';

/** Stable `code`s of session errors, beside the TLS and network codes of the stream. */
export const SessionErrorCode = {
  /** The broker answered CONNECT with a refusal. */
  ConnectionRefused: 'CONNECTION_REFUSED',
  /** No CONNACK within the connect timeout. */
  ConnectTimeout: ConnectionCause.ConnectTimeout,
  /** The broker answered nothing for one and a half keepalive intervals. */
  KeepaliveTimeout: 'KEEPALIVE_TIMEOUT',
  /** The broker refused a subscription (SUBACK 0x80). */
  SubscribeRefused: 'SUBSCRIBE_REFUSED',
  /** The session ended before the broker answered. */
  Closed: ConnectionCause.Closed,
  /** The broker sent something MQTT does not allow. */
  Protocol: 'MQTT_PROTOCOL_ERROR',
  /** The server's first answer to CONNECT was not MQTT at all: another TLS service (HTTPS) on that port. */
  NotMqtt: ConnectionCause.NotMqtt,
} as const;

export function sessionError(message: string, code: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

/** mqtt.js errors carry no stable code of their own (a CONNACK refusal carries its number): give them ours. */
export function withStableCode(
  error: Error & { code?: unknown },
  settings: { connectTimeoutMs: number; keepaliveSec: number },
  connected: boolean,
): Error {
  if (typeof error.code === 'string') return error;
  const refused = /^Connection refused: (.*)$/.exec(error.message);
  if (refused) {
    return Object.assign(
      sessionError(`the broker refused the MQTT connection: ${refused[1].toLowerCase()}`, SessionErrorCode.ConnectionRefused),
      {
        returnCode: error.code,
      },
    );
  }
  if (/connack timeout/i.test(error.message)) {
    return sessionError(`connect timeout: no CONNACK within ${settings.connectTimeoutMs} ms`, SessionErrorCode.ConnectTimeout);
  }
  if (/keepalive timeout/i.test(error.message)) {
    return sessionError(
      `keepalive timeout: the broker answered nothing for 1.5 × ${settings.keepaliveSec} s`,
      SessionErrorCode.KeepaliveTimeout,
    );
  }
  if (!connected) {
    // Garbage before the CONNACK: an HTTP answer ("HTTP/1.1 400") reads as a PUBACK with bad flags.
    return sessionError(
      `not an MQTT broker: the server's answer to MQTT CONNECT is not MQTT (is this an HTTPS or other TLS port? DXL brokers listen on 8883 by default): ${error.message}`,
      SessionErrorCode.NotMqtt,
    );
  }
  return sessionError(`MQTT protocol error from the broker: ${error.message}`, SessionErrorCode.Protocol);
}

/** A subscription error that carries the broker's SUBACK with a failure return code (0x80). */
export function refusedInSuback(error: Error & { packet?: { granted?: unknown } }): boolean {
  const granted = error.packet?.granted;
  return Array.isArray(granted) && granted.some((code) => typeof code === 'number' && (code & 0x80) !== 0);
}
