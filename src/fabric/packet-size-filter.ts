/*
 * Enforces the fabric's maximum packet size on the raw MQTT byte stream, before the broker parses
 * it, as the OpenDXL broker does: a packet whose remaining length (for a PUBLISH: 2 + topic bytes +
 * payload) exceeds the limit closes its sender's connection. Without this, aedes would buffer a
 * packet of any size the MQTT length field allows (up to 256 MiB) before anyone could look at it;
 * here the packet is judged by its fixed header and never held.
 */

const MAX_LENGTH_BYTES = 4;

export interface FilterResult {
  /** Bytes to hand to the MQTT parser, in order. */
  output: Buffer[];
  /**
   * Set when the connection must be closed. The output then ends before the offending packet
   * (at most its first header bytes, sent with an earlier chunk, went on: never a whole packet).
   */
  violation?: string;
}

export class PacketSizeFilter {
  private closed = false;
  /** Not MQTT: everything goes to the parser, which rejects it. */
  private transparent = false;
  /** Fixed-header bytes of the current packet read so far (0 between packets). */
  private headerBytes = 0;
  private packetType = 0;
  private remainingLength = 0;
  /** Body bytes of the current packet still to pass. */
  private bodyLeft = 0;

  constructor(private readonly maxRemainingLength: number) {}

  filter(chunk: Buffer): FilterResult {
    if (this.closed) return { output: [] };
    if (this.transparent) return { output: [chunk] };
    let offset = 0;
    /** Where the packet being read began in this chunk; 0 when it began in an earlier one. */
    let packetStart = 0;
    while (offset < chunk.length) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, chunk.length - offset);
        offset += take;
        this.bodyLeft -= take;
        continue;
      }
      const byte = chunk[offset];
      if (this.headerBytes === 0) {
        packetStart = offset;
        this.packetType = byte >> 4;
      }
      offset++;
      this.headerBytes++;
      if (this.headerBytes === 1) continue;
      this.remainingLength += (byte & 0x7f) * 128 ** (this.headerBytes - 2);
      if (byte & 0x80) {
        if (this.headerBytes - 1 < MAX_LENGTH_BYTES) continue;
        this.transparent = true;
        return { output: [chunk] };
      }
      const length = this.remainingLength;
      this.headerBytes = 0;
      this.remainingLength = 0;
      if (length > this.maxRemainingLength) {
        this.closed = true;
        return {
          output: packetStart > 0 ? [chunk.subarray(0, packetStart)] : [],
          violation: `an MQTT packet of type ${this.packetType} and ${length} bytes exceeds the limit of ${this.maxRemainingLength}`,
        };
      }
      this.bodyLeft = length;
    }
    return { output: [chunk] };
  }
}
