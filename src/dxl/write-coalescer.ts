import { Duplex } from 'node:stream';
import type { PacketSizeFilter } from './packet-filter';

/** The ws library's code for a WebSocket message over `maxPayload`. */
const WS_MESSAGE_TOO_BIG = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

/**
 * The stream to the broker that mqtt.js and our publishes write to, measured in BENCHMARKS.md,
 * "Library: what each trick buys": every write made in one turn of the event loop goes on to the
 * socket as one write (flushed by setImmediate, after the turn's socket reads and the requests
 * they led to), so a burst of requests costs one TLS record and one system call, not one each.
 * Reads pass through the packet size filter (packet-filter.ts, skip mode) on their way to mqtt.js.
 * mqtt.js handles one received packet per tick, so each answer's follow-up request would otherwise
 * leave on its own.
 * What the socket cannot take at once it buffers: publishes are QoS 0 and no caller waits on a
 * write, so there is no backpressure to pass on.
 */
export class WriteCoalescer extends Duplex {
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
