/**
 * One mqtt.js session on a stream opened elsewhere (transport.ts), used once: no reconnection
 * (broker choice and reconnection are the supervisor's). What the rest of the client knows of MQTT
 * is the `MqttSession` interface below.
 */
import { type IClientOptions, MqttClient } from 'mqtt';
import { generate } from 'mqtt-packet';
import { ConnectionCause } from './connection-state';
import { SessionErrorCode, refusedInSuback, sessionError, withStableCode } from './session-errors';
import type { WriteCoalescer } from './write-coalescer';

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

export interface SessionSettings {
  clientId: string;
  /** 4 = MQTT 3.1.1, 3 = MQTT 3.1 (protocol name MQIsdp) as the official JS client sends. */
  protocolVersion: 3 | 4;
  /** 0 turns keepalive off. */
  keepaliveSec: number;
  connectTimeoutMs: number;
}

/** How long a graceful end may take before the stream is destroyed. */
const GRACEFUL_END_MS = 1000;
const QOS0 = { qos: 0 } as const;
const noLog = (): void => undefined;

function clientOptions(settings: SessionSettings): IClientOptions {
  return {
    clientId: settings.clientId,
    protocolVersion: settings.protocolVersion,
    protocolId: settings.protocolVersion === 3 ? 'MQIsdp' : 'MQTT',
    clean: true,
    keepalive: settings.keepaliveSec,
    connectTimeout: settings.connectTimeoutMs,
    // Broker choice, reconnection, re-subscription and the queue of unsent messages are DxlClient's.
    reconnectPeriod: 0,
    resubscribe: false,
    queueQoSZero: false,
    // mqtt.js logs through `debug` on every packet; checking whether it is enabled is a cost per message.
    log: noLog,
  };
}

/**
 * One mqtt.js client on one stream we opened, used once: no reconnection. The first error ends
 * the session (mqtt.js keeps some, such as a malformed packet, non-fatal; a DXL client would
 * rather fail over than go on with a broker that breaks the protocol).
 */
class MqttJsSession implements MqttSession {
  private events: SessionEvents | undefined;
  private firstError: Error | undefined;
  private isClosed = false;
  private ending = false;
  readonly closed: Promise<void>;
  private onClosed: () => void = () => undefined;

  constructor(
    private readonly client: MqttClient,
    private readonly stream: WriteCoalescer,
    settings: SessionSettings,
  ) {
    this.closed = new Promise((resolve) => (this.onClosed = resolve));
    client.on('message', (topic: string, payload: Buffer) => this.events?.message(topic, payload));
    client.on('error', (error: Error) => this.fail(withStableCode(error, settings, client.connected)));
    // mqtt.js passes on only stream errors that carry a code; the others still say why a connection ended.
    stream.on('error', (error: Error) => this.fail(error));
    client.once('close', () => this.onClose());
  }

  get error(): Error | undefined {
    return this.firstError;
  }

  get finished(): boolean {
    return this.isClosed;
  }

  /**
   * Framed by mqtt-packet's `generate` as one buffer (its size already checked, packet-limits.ts) and written as one
   * write: mqtt.js's own publish writes a packet in five pieces, 1.1 to 3.3 µs a request more (BENCHMARKS.md, "A
   * publish framed as one buffer"). The stream keeps it in order after what mqtt.js wrote before it.
   */
  publish(topic: string, payload: Buffer): void {
    if (this.ending || this.isClosed) return;
    this.stream.write(generate({ cmd: 'publish', topic, payload, qos: 0, dup: false, retain: false }));
  }

  subscribe(topics: readonly string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ending || this.isClosed) {
        reject(sessionError('the MQTT session is closed', SessionErrorCode.Closed));
        return;
      }
      this.client.subscribe([...topics], QOS0, (error) => {
        if (!error) resolve();
        else if (refusedInSuback(error)) {
          reject(sessionError(`the broker refused the subscription to ${topics.join(', ')}`, SessionErrorCode.SubscribeRefused));
        } else reject(sessionError(`subscription to ${topics.join(', ')} not made: ${error.message}`, SessionErrorCode.Closed));
      });
    });
  }

  unsubscribe(topics: readonly string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ending || this.isClosed) {
        reject(sessionError('the MQTT session is closed', SessionErrorCode.Closed));
        return;
      }
      this.client.unsubscribe([...topics], (error) => (error ? reject(sessionError(error.message, SessionErrorCode.Closed)) : resolve()));
    });
  }

  listen(events: SessionEvents): void {
    this.events = events;
    if (this.isClosed) {
      if (this.firstError) events.error(this.firstError);
      events.close();
    }
  }

  end(force: boolean): Promise<void> {
    if (this.isClosed) return this.closed;
    if (force || this.ending) {
      this.ending = true;
      this.stream.destroy();
      return this.closed;
    }
    this.ending = true;
    const timer = setTimeout(() => this.stream.destroy(), GRACEFUL_END_MS);
    void this.closed.then(() => clearTimeout(timer));
    // Once DISCONNECT is written the session is over: no need to wait for the broker to hang up.
    this.stream.once('finish', () => this.stream.destroy());
    this.client.end(false);
    return this.closed;
  }

  private fail(error: Error): void {
    if (this.isClosed) return;
    if (!this.firstError) {
      this.firstError = error;
      if (!this.ending) this.events?.error(error);
    }
    this.ending = true;
    this.stream.destroy();
  }

  private onClose(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.ending = true;
    this.client.removeAllListeners('message');
    this.onClosed();
    this.events?.close();
  }
}

/** Runs an MQTT session over `stream` (already opening: a TLS socket or a WebSocket stream). */
export function startSession(stream: WriteCoalescer, settings: SessionSettings): ConnectionAttempt {
  const client = new MqttClient(() => stream, clientOptions(settings));
  const session = new MqttJsSession(client, stream, settings);
  const accepted = new Promise<MqttSession>((resolve, reject) => {
    const onConnect = (): void => {
      client.removeListener('close', onClose);
      resolve(session);
    };
    const onClose = (): void => {
      client.removeListener('connect', onConnect);
      reject(session.error ?? sessionError('connection closed by the broker before it accepted us', ConnectionCause.BrokerClosed));
    };
    client.once('connect', onConnect);
    client.once('close', onClose);
  });
  return { accepted, abort: () => void session.end(true) };
}
