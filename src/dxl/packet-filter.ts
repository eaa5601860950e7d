/*
 * A size limit on a raw MQTT byte stream, enforced before an MQTT parser sees it: each packet is
 * judged by its fixed header (type and remaining length) and a packet over the limit is never held
 * whole. Without it a parser (mqtt.js, aedes) buffers a packet of any size the length field allows
 * (up to 256 MiB) before anyone can look at it. Two ways to deal with one over the limit:
 *
 * - `close` (the fabric, as the OpenDXL broker): nothing of it is passed on and the connection is to
 *   be closed;
 * - `skip` (the client): its header and body are dropped as they arrive and the stream goes on with
 *   the next packet, so one oversized message costs that message, not the connection.
 *
 * The header bytes of a packet are held (at most five) until its remaining length is known, so a
 * skipped packet leaves no trace in the output however the stream is split.
 */

/** A fixed header: one byte of type and flags, then one to four bytes of remaining length. */
const MAX_HEADER_BYTES = 5;

/** The weight of each byte of the remaining length (seven bits each, least significant first). */
const LENGTH_BYTE_WEIGHTS = [1, 0x80, 0x4000, 0x200000] as const;

export type OversizedPacketAction = 'close' | 'skip';

/** A packet over the limit: its MQTT type (3 is PUBLISH) and remaining length. */
export interface OversizedPacket {
  type: number;
  remainingLength: number;
}

export interface FilterResult {
  /** Bytes to hand to the MQTT parser, in order. */
  output: Buffer[];
  /** `close`: set when the connection must be closed; the output ends before the offending packet. */
  violation?: string;
  /** `skip`: the packets over the limit whose header ended in this chunk, dropped whole. */
  skipped?: OversizedPacket[];
}

export class PacketSizeFilter {
  private closed = false;
  /** Not MQTT (a length field of more than four bytes): everything goes to the parser, which rejects it. */
  private transparent = false;
  /** The fixed header of the current packet read so far (`headerBytes` of it; 0 between packets). */
  private readonly header = Buffer.alloc(MAX_HEADER_BYTES);
  private headerBytes = 0;
  private remainingLength = 0;
  /** Body bytes of the current packet still to come, and whether they are passed on or dropped. */
  private bodyLeft = 0;
  private passing = true;

  constructor(
    private readonly maxRemainingLength: number,
    private readonly action: OversizedPacketAction = 'close',
  ) {}

  filter(chunk: Buffer): FilterResult {
    if (this.closed) return { output: [] };
    if (this.transparent) return { output: [chunk] };
    const output: Buffer[] = [];
    let skipped: OversizedPacket[] | undefined;
    /** Start of the run of this chunk's bytes being passed on, or -1. */
    let passFrom = this.bodyLeft > 0 && this.passing ? 0 : -1;
    /** Where the current header began in this chunk; -1 when it began in an earlier one. */
    let headerStart = -1;
    let at = 0;
    const length = chunk.length;
    while (at < length) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, length - at);
        at += take;
        this.bodyLeft -= take;
        continue;
      }
      const byte = chunk[at];
      if (this.headerBytes === 0) headerStart = at;
      this.header[this.headerBytes++] = byte;
      at++;
      if (this.headerBytes === 1) continue;
      this.remainingLength += (byte & 0x7f) * LENGTH_BYTE_WEIGHTS[this.headerBytes - 2];
      if (byte & 0x80) {
        if (this.headerBytes < MAX_HEADER_BYTES) continue;
        return this.giveUp(chunk, output, passFrom, headerStart, headerStart < 0 ? this.headerBytes - at : 0);
      }
      const packetLength = this.remainingLength;
      const type = this.header[0] >> 4;
      const heldBytes = headerStart < 0 ? this.headerBytes - at : 0;
      this.headerBytes = 0;
      this.remainingLength = 0;
      this.bodyLeft = packetLength;
      if (packetLength <= this.maxRemainingLength) {
        this.passing = true;
        if (passFrom < 0) {
          // The header's first bytes came with an earlier chunk and were held: they go on now.
          if (heldBytes > 0) output.push(Buffer.from(this.header.subarray(0, heldBytes)));
          passFrom = headerStart < 0 ? 0 : headerStart;
        }
        continue;
      }
      if (passFrom >= 0 && headerStart > passFrom) output.push(chunk.subarray(passFrom, headerStart));
      passFrom = -1;
      const oversized = { type, remainingLength: packetLength };
      if (this.action === 'close') {
        this.closed = true;
        return {
          output,
          violation: `an MQTT packet of type ${type} and ${packetLength} bytes exceeds the limit of ${this.maxRemainingLength}`,
        };
      }
      this.passing = false;
      (skipped ??= []).push(oversized);
    }
    if (passFrom >= 0) {
      // A header still incomplete at the end of the chunk is held, not passed on.
      const end = this.headerBytes > 0 && headerStart >= 0 ? headerStart : length;
      if (end > passFrom) output.push(passFrom === 0 && end === length ? chunk : chunk.subarray(passFrom, end));
    }
    return skipped === undefined ? { output } : { output, skipped };
  }

  /** Not MQTT: what was held and everything from here on goes to the parser. */
  private giveUp(chunk: Buffer, output: Buffer[], passFrom: number, headerStart: number, heldBytes: number): FilterResult {
    this.transparent = true;
    if (heldBytes > 0) output.push(Buffer.from(this.header.subarray(0, heldBytes)));
    const from = passFrom >= 0 ? passFrom : Math.max(headerStart, 0);
    output.push(chunk.subarray(from));
    return { output };
  }
}
