import { Duplex } from 'node:stream';
import { PacketSizeFilter } from '../dxl/packet-filter';

export interface GuardEvents {
  /** The peer sent a packet over the limit: the connection closes. Called once. */
  onViolation(reason: string): void;
}

/**
 * The stream the MQTT broker reads and writes for one connection: writes go
 * straight to the transport (a TLS socket or a WebSocket stream); reads pass
 * through a PacketSizeFilter first. Destroying either side destroys both.
 */
export class GuardedConnection extends Duplex {
  private readonly sizeFilter: PacketSizeFilter;

  constructor(
    private readonly transport: Duplex,
    maxRemainingLength: number,
    private readonly events: GuardEvents,
  ) {
    super({ allowHalfOpen: false });
    this.sizeFilter = new PacketSizeFilter(maxRemainingLength);
    transport.on('data', (chunk: Buffer) => this.onTransportData(chunk));
    transport.on('end', () => this.push(null));
    transport.on('error', (error: Error) => this.destroy(error));
    transport.on('close', () => this.destroy());
  }

  private onTransportData(chunk: Buffer): void {
    const { output, violation } = this.sizeFilter.filter(chunk);
    let wantsMore = true;
    for (const bytes of output) wantsMore = this.push(bytes) && wantsMore;
    if (violation) {
      this.events.onViolation(violation);
      this.destroy();
      return;
    }
    if (!wantsMore) this.transport.pause();
  }

  override _read(): void {
    this.transport.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.transport.destroyed) {
      callback();
      return;
    }
    if (this.transport.write(chunk, encoding)) callback();
    else this.transport.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.transport.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.transport.destroy();
    callback(error);
  }
}
