import { MAX_REMAINING_LENGTH } from './packets';

/** Called once per complete packet: `data[start, end)` is its body, after the fixed header. */
export type PacketSink = (firstByte: number, data: Buffer, start: number, end: number) => void;

export class MalformedPacketError extends Error {
  readonly code = 'MQTT_MALFORMED_PACKET';
}

/**
 * Splits a byte stream into MQTT packets without copying a packet that arrives
 * in one chunk. A packet spread over chunks is gathered and joined once, when
 * its last byte arrives.
 */
export class PacketReader {
  private readonly held: Buffer[] = [];
  private heldBytes = 0;
  /** Total size of the packet being gathered, once its fixed header is known. */
  private wanted = 0;

  constructor(private readonly sink: PacketSink) {}

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.heldBytes > 0) {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      if (this.wanted === 0) this.wanted = packetSize(Buffer.concat(this.held, this.heldBytes), 0);
      if (this.wanted < 0 || this.heldBytes < this.wanted) {
        this.wanted = Math.max(this.wanted, 0);
        return;
      }
      data = Buffer.concat(this.held, this.heldBytes);
      this.held.length = 0;
      this.heldBytes = 0;
      this.wanted = 0;
    }
    let offset = 0;
    while (offset < data.length) {
      const size = packetSize(data, offset);
      if (size < 0 || offset + size > data.length) {
        // A copy: a slice would pin the whole chunk until the packet completes.
        const rest = Buffer.from(data.subarray(offset));
        this.held.push(rest);
        this.heldBytes = rest.length;
        this.wanted = Math.max(size, 0);
        return;
      }
      let bodyStart = offset + 2;
      while (data[bodyStart - 1]! & 0x80) bodyStart++;
      this.sink(data[offset]!, data, bodyStart, offset + size);
      offset += size;
    }
  }
}

/**
 * The whole size of the packet starting at `offset` (fixed header included),
 * or -1 while its length bytes have not all arrived.
 */
function packetSize(data: Buffer, offset: number): number {
  let remaining = 0;
  let multiplier = 1;
  for (let index = 1; index <= 4; index++) {
    if (offset + index >= data.length) return -1;
    const digit = data[offset + index]!;
    remaining += (digit & 0x7f) * multiplier;
    if ((digit & 0x80) === 0) {
      if (remaining > MAX_REMAINING_LENGTH) break;
      return 1 + index + remaining;
    }
    multiplier *= 0x80;
  }
  throw new MalformedPacketError('malformed MQTT packet: its remaining length takes more than four bytes');
}
