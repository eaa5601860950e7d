/**
 * One connection to one broker: the byte stream opened here (MQTT over TLS, or over secure
 * WebSockets, optionally through a proxy; the writes of one event-loop turn sent as one) and one
 * mqtt.js session on it, used once (no reconnection: broker choice and reconnection are the
 * supervisor's), its errors given stable codes; publishes are framed here and queued on the stream
 * beside mqtt.js's own packets; what is received passes a size limit before mqtt.js parses it. What
 * the rest of the client knows of MQTT is the `MqttSession` interface below.
 */
import net from 'node:net';
import { Duplex } from 'node:stream';
import tls, { type ConnectionOptions, type PeerCertificate } from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { type IClientOptions, MqttClient } from 'mqtt';
import { WebSocket, createWebSocketStream } from 'ws';
import type { BrokerEndpoint } from './broker-probe';
import type { ProxySettings } from './config';
import { BROKER_CLOSED } from './connection-state';
import { PacketSizeFilter } from './packet-filter';
import { DEFAULT_MAX_MESSAGE_BYTES, publishRemainingLength, receivedPacketLimit } from './packet-limits';

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

function sessionError(message: string, code: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
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
/** The first byte of a PUBLISH with QoS 0, no DUP, no RETAIN. */
const PUBLISH_QOS0 = 0x30;
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

/** mqtt.js errors carry no stable code of their own (a CONNACK refusal carries its number): give them ours. */
function withStableCode(error: Error & { code?: unknown }, settings: SessionSettings, connected: boolean): Error {
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
function refusedInSuback(error: Error & { packet?: { granted?: unknown } }): boolean {
  const granted = error.packet?.granted;
  return Array.isArray(granted) && granted.some((code) => typeof code === 'number' && (code & 0x80) !== 0);
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

  publish(topic: string, payload: Buffer): void {
    if (this.ending || this.isClosed) return;
    this.stream.send(publishPacket(topic, payload));
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

/**
 * An MQTT 3.1.1 PUBLISH at QoS 0 as one buffer (section 3.3: the fixed header, the remaining length, the topic,
 * the payload), its size already checked (packet-limits.ts). mqtt.js's own publish writes each packet in five
 * pieces through the stream: a request cost 1.1 to 3.3 µs more that way (BENCHMARKS.md, "This round: the
 * library within 1.15x bare").
 */
export function publishPacket(topic: string, payload: Buffer): Buffer {
  const remaining = publishRemainingLength(topic, payload.length);
  const topicLength = remaining - 2 - payload.length;
  const lengthBytes = remaining < 0x80 ? 1 : remaining < 0x4000 ? 2 : remaining < 0x200000 ? 3 : 4;
  const packet = Buffer.allocUnsafe(1 + lengthBytes + remaining);
  packet[0] = PUBLISH_QOS0;
  let offset = 1;
  let rest = remaining;
  do {
    const low = rest & 0x7f;
    rest >>>= 7;
    packet[offset++] = rest > 0 ? low | 0x80 : low;
  } while (rest > 0);
  offset = packet.writeUInt16BE(topicLength, offset);
  offset += packet.write(topic, offset, topicLength, 'utf8');
  payload.copy(packet, offset);
  return packet;
}

/** Runs an MQTT session over `stream` (already opening: a TLS socket or a WebSocket stream). */
function startSession(stream: WriteCoalescer, settings: SessionSettings): ConnectionAttempt {
  const client = new MqttClient(() => stream, clientOptions(settings));
  const session = new MqttJsSession(client, stream, settings);
  const accepted = new Promise<MqttSession>((resolve, reject) => {
    const onConnect = (): void => {
      client.removeListener('close', onClose);
      resolve(session);
    };
    const onClose = (): void => {
      client.removeListener('connect', onConnect);
      reject(session.error ?? sessionError('connection closed by the broker before it accepted us', BROKER_CLOSED));
    };
    client.once('connect', onConnect);
    client.once('close', onClose);
  });
  return { accepted, abort: () => void session.end(true) };
}

export interface TransportSettings extends SessionSettings {
  ca: string | Buffer;
  cert: string | Buffer;
  key: string | Buffer;
  /** Passphrase of an encrypted private key. */
  passphrase?: string;
  webSockets: boolean;
  /** WebSockets only: an HTTP CONNECT proxy. */
  proxy?: ProxySettings;
  /** Check the broker certificate's host name too; DXL broker certificates rarely name their host. */
  checkHostName: boolean;
  /** The size bound of messages (packet-limits.ts); a packet received over it (and its headroom) is dropped unread. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Hears of each packet dropped for its size (undefined: a WebSocket message too big closed the connection). */
  onOversized?: (remainingLength: number | undefined) => void;
}

/**
 * Over WebSockets the ws library holds a whole WebSocket message before it hands it on; its
 * `maxPayload` bounds that, by closing the connection (1009), since a WebSocket message cannot be
 * skipped in the middle as an MQTT packet can. The headroom leaves room for the MQTT fixed header
 * and for brokers that put a few packets in one WebSocket message; an MQTT packet over the limit
 * within it is still skipped by the packet filter.
 */
const WEB_SOCKET_HEADROOM_BYTES = 64 * 1024;
/** The ws library's code for a WebSocket message over `maxPayload`. */
const WS_MESSAGE_TOO_BIG = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

/** A `checkServerIdentity` that accepts any host name: it ignores both the host and the certificate. */
const skipHostNameCheck: (host: string, cert: PeerCertificate) => Error | undefined = () => undefined;

function proxyAgent(proxy: ProxySettings): HttpsProxyAgent<string> {
  const credentials = proxy.user === undefined ? '' : `${encodeURIComponent(proxy.user)}:${encodeURIComponent(proxy.password ?? '')}@`;
  return new HttpsProxyAgent(`http://${credentials}${proxy.address}:${proxy.port}`);
}

function tlsOptions(endpoint: BrokerEndpoint, settings: TransportSettings): ConnectionOptions {
  return {
    ca: settings.ca,
    cert: settings.cert,
    key: settings.key,
    ...(settings.passphrase === undefined ? {} : { passphrase: settings.passphrase }),
    rejectUnauthorized: true,
    // SNI takes a host name only.
    ...(net.isIP(endpoint.host) ? {} : { servername: endpoint.host }),
    ...(settings.checkHostName ? {} : { checkServerIdentity: skipHostNameCheck }),
  };
}

/**
 * The stream mqtt.js writes to and our publishes are queued on (`send`), measured in BENCHMARKS.md,
 * "Library: what each trick buys": every write made in one turn of the event loop goes on to the
 * socket as one write (flushed by setImmediate, after the turn's socket reads and the requests
 * they led to), so a burst of requests costs one TLS record and one system call, not one each.
 * Reads pass through the packet size filter (packet-filter.ts, skip mode) on their way to mqtt.js.
 * mqtt.js writes each packet in pieces, corks the stream and uncorks it on the next tick; it
 * handles one received packet per tick, so each answer's follow-up request would leave on its own.
 * What the socket cannot take at once it buffers: publishes are QoS 0 and no caller waits on a
 * write, so there is no backpressure to pass on.
 */
class WriteCoalescer extends Duplex {
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private flushScheduled = false;

  constructor(
    private readonly inner: Duplex,
    sizeFilter: PacketSizeFilter,
    onOversized: (remainingLength: number | undefined) => void,
  ) {
    super({ allowHalfOpen: false });
    inner.on('data', (chunk: Buffer) => {
      const { output, skipped } = sizeFilter.filter(chunk);
      if (skipped !== undefined) for (const packet of skipped) onOversized(packet.remainingLength);
      let wantsMore = true;
      for (const bytes of output) wantsMore = this.push(bytes) && wantsMore;
      if (!wantsMore) inner.pause();
    });
    inner.on('end', () => this.push(null));
    inner.on('error', (error: Error & { code?: unknown }) => {
      if (error.code === WS_MESSAGE_TOO_BIG) onOversized(undefined);
      this.destroy(error);
    });
    inner.on('close', () => this.destroy());
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.enqueue(chunk);
    callback();
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    for (const { chunk } of chunks) this.enqueue(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flush();
    this.inner.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.queued = [];
    this.queuedBytes = 0;
    this.inner.destroy();
    callback(error);
  }

  /** A whole packet made elsewhere, sent after whatever mqtt.js wrote before it (still held while mqtt.js corks the stream). */
  send(packet: Buffer): void {
    if (this.destroyed || this.writableEnded) return;
    if (this.writableLength > 0 || this.writableCorked > 0) this.write(packet);
    else this.enqueue(packet);
  }

  private enqueue(chunk: Buffer): void {
    this.queued.push(chunk);
    this.queuedBytes += chunk.length;
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.queued.length === 0 || this.inner.destroyed || this.inner.writableEnded) return;
    const bytes = this.queued.length === 1 ? this.queued[0] : Buffer.concat(this.queued, this.queuedBytes);
    this.queued = [];
    this.queuedBytes = 0;
    this.inner.write(bytes);
  }
}

/** The byte stream to the broker: MQTT over TLS, or MQTT over secure WebSockets (optionally through a proxy). */
function openStream(endpoint: BrokerEndpoint, settings: TransportSettings): Duplex {
  const secure = tlsOptions(endpoint, settings);
  if (!settings.webSockets) {
    const socket = tls.connect({ host: endpoint.host, port: endpoint.port, ...secure });
    socket.setNoDelay(true);
    return socket;
  }
  const host = net.isIPv6(endpoint.host) ? `[${endpoint.host}]` : endpoint.host;
  const subprotocol = settings.protocolVersion === 3 ? 'mqttv3.1' : 'mqtt';
  const socket = new WebSocket(`wss://${host}:${endpoint.port}/`, [subprotocol], {
    ...secure,
    maxPayload: receivedLimitOf(settings) + WEB_SOCKET_HEADROOM_BYTES,
    ...(settings.proxy ? { agent: proxyAgent(settings.proxy) } : {}),
  });
  return createWebSocketStream(socket);
}

/**
 * Opens one MQTT session to one broker: the stream here, MQTT by mqtt.js on it. Throws on material
 * or options that cannot be used (e.g. a key that does not match the certificate), before anything
 * is sent.
 */
export function openConnection(endpoint: BrokerEndpoint, settings: TransportSettings): ConnectionAttempt {
  const filter = new PacketSizeFilter(receivedLimitOf(settings), 'skip');
  const stream = new WriteCoalescer(openStream(endpoint, settings), filter, settings.onOversized ?? ignoreOversized);
  return startSession(stream, settings);
}

function receivedLimitOf(settings: TransportSettings): number {
  return receivedPacketLimit(settings.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
}

const ignoreOversized = (): void => undefined;
