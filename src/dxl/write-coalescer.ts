import { Duplex } from 'node:stream';

/**
 * The stream mqtt.js writes to: every write made in one turn of the event loop goes on to the
 * socket as one write (flushed by setImmediate, after the turn's socket reads and the requests
 * they led to), so a burst of requests costs one TLS record and one system call, not one each.
 * mqtt.js writes each packet in pieces, corks the stream and uncorks it on the next tick; it
 * handles one received packet per tick, so each answer's follow-up request would leave on its own.
 * Reads pass through unchanged.
 */
export class WriteCoalescer extends Duplex {
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private flushScheduled = false;
  /** Write callbacks held while the socket asks us to wait (backpressure). */
  private waiting: Array<(error?: Error | null) => void> = [];
  private draining = false;

  constructor(private readonly inner: Duplex) {
    super({ allowHalfOpen: false });
    inner.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) inner.pause();
    });
    inner.on('end', () => this.push(null));
    inner.on('error', (error: Error) => this.destroy(error));
    inner.on('close', () => this.destroy());
    inner.on('drain', () => this.onDrain());
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.enqueue(chunk);
    this.afterQueued(callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    for (const { chunk } of chunks) this.enqueue(chunk);
    this.afterQueued(callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flush();
    this.inner.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.queued = [];
    this.queuedBytes = 0;
    this.inner.destroy();
    const waiting = this.waiting;
    this.waiting = [];
    for (const held of waiting) held(error);
    callback(error);
  }

  private enqueue(chunk: Buffer): void {
    this.queued.push(chunk);
    this.queuedBytes += chunk.length;
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private afterQueued(callback: (error?: Error | null) => void): void {
    if (this.draining) this.waiting.push(callback);
    else callback();
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.queued.length === 0 || this.inner.destroyed || this.inner.writableEnded) return;
    const bytes = this.queued.length === 1 ? this.queued[0] : Buffer.concat(this.queued, this.queuedBytes);
    this.queued = [];
    this.queuedBytes = 0;
    if (!this.inner.write(bytes)) this.draining = true;
  }

  private onDrain(): void {
    this.draining = false;
    const waiting = this.waiting;
    this.waiting = [];
    for (const held of waiting) held();
  }
}
