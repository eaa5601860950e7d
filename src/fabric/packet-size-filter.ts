/*
 * Enforces the fabric's maximum message size on the raw MQTT byte stream, before
 * the broker parses it. Without this, aedes would buffer a PUBLISH of any size the
 * MQTT length field allows (up to 256 MiB) before anyone could look at it.
 *
 * - A QoS 0 PUBLISH whose payload (the DXL message) exceeds the limit is skipped
 *   byte by byte, never held in memory, and the connection stays up: the message
 *   is dropped silently, as the OpenDXL broker (Mosquitto's message_size_limit)
 *   does. Its sender gets no answer; a requester sees its own timeout.
 * - Any other packet that large (a QoS 1/2 PUBLISH, which would need an ack, or a
 *   control packet) is abuse: the filter asks for the connection to be closed.
 */

const PUBLISH = 3;
const MAX_LENGTH_BYTES = 4;

export interface FilterResult {
  /** Bytes to hand to the MQTT parser, in order. */
  output: Buffer[];
  /** Payload sizes of the PUBLISH packets dropped in this chunk. */
  dropped: number[];
  /** Set when the connection must be closed; nothing after the offending packet is passed on. */
  violation?: string;
}

type Mode = 'header' | 'topic-length' | 'pass' | 'skip' | 'transparent' | 'closed';

export class PacketSizeFilter {
  private mode: Mode = 'header';
  /** The packet's fixed header and, for a large PUBLISH, its two topic-length bytes. */
  private held: number[] = [];
  /** How many of `held` came from earlier chunks (and so are not in the current one). */
  private carried = 0;
  private lengthBytes = 0;
  private remainingLength = 0;
  /** Body bytes of the current packet still to pass or skip. */
  private bodyLeft = 0;

  // Per-chunk state.
  private chunk: Buffer = Buffer.alloc(0);
  private runStart = -1;
  private result: FilterResult = { output: [], dropped: [] };

  constructor(private readonly maxPayloadBytes: number) {}

  filter(chunk: Buffer): FilterResult {
    this.result = { output: [], dropped: [] };
    if (this.mode === 'closed') return this.result;
    if (this.mode === 'transparent') {
      this.result.output.push(chunk);
      return this.result;
    }
    this.chunk = chunk;
    this.runStart = -1;
    let offset = 0;
    while (offset < chunk.length && !this.stopped()) {
      if (this.mode === 'pass' || this.mode === 'skip') {
        const take = Math.min(this.bodyLeft, chunk.length - offset);
        if (this.mode === 'pass') this.startRun(offset);
        offset += take;
        this.bodyLeft -= take;
        if (this.bodyLeft === 0) this.nextPacket();
      } else {
        this.held.push(chunk[offset++]!);
        this.onHeldByte(offset);
      }
    }
    if (this.stopped()) {
      // Not MQTT: the rest goes to the parser, which rejects it.
      if (!this.isClosed()) this.startRun(offset);
      this.flushRun(chunk.length);
    } else if ((this.mode === 'header' || this.mode === 'topic-length') && this.held.length > 0) {
      // An undecided header stays held; everything before it goes out.
      this.flushRun(this.packetStart(chunk.length));
      this.carried = this.held.length;
    } else {
      this.flushRun(chunk.length);
    }
    const result = this.result;
    this.chunk = Buffer.alloc(0);
    return result;
  }

  /** Mode changes inside the loop's helpers; a method keeps the compiler from narrowing it away. */
  private stopped(): boolean {
    return this.mode === 'closed' || this.mode === 'transparent';
  }

  private isClosed(): boolean {
    return this.mode === 'closed';
  }

  /** Index in the current chunk where the held bytes begin (0 when they began earlier). */
  private packetStart(offset: number): number {
    return Math.max(0, offset - (this.held.length - this.carried));
  }

  private startRun(at: number): void {
    if (this.runStart < 0) this.runStart = at;
  }

  private flushRun(end: number): void {
    if (this.runStart >= 0 && end > this.runStart) this.result.output.push(this.chunk.subarray(this.runStart, end));
    this.runStart = -1;
  }

  private nextPacket(): void {
    this.mode = 'header';
    this.held = [];
    this.carried = 0;
    this.lengthBytes = 0;
    this.remainingLength = 0;
  }

  private onHeldByte(offset: number): void {
    if (this.mode === 'topic-length') {
      if (this.held.length === 1 + this.lengthBytes + 2) this.decideOnTopicLength(offset);
      return;
    }
    if (this.held.length === 1) return;
    const byte = this.held[this.held.length - 1]!;
    this.remainingLength += (byte & 0x7f) * 128 ** this.lengthBytes;
    this.lengthBytes++;
    if ((byte & 0x80) === 0) {
      this.decideOnHeader(offset);
    } else if (this.lengthBytes >= MAX_LENGTH_BYTES) {
      // Not MQTT: hand everything on and let the parser reject it.
      this.passHeld(offset);
      this.mode = 'transparent';
    }
  }

  private decideOnHeader(offset: number): void {
    if (this.remainingLength <= this.maxPayloadBytes) {
      this.passHeld(offset);
      this.beginBody(this.remainingLength);
      return;
    }
    const packetType = this.held[0]! >> 4;
    if (packetType === PUBLISH) {
      // Its payload size depends on the topic length: read that before deciding.
      this.mode = 'topic-length';
      return;
    }
    this.close(offset, `an MQTT packet of type ${packetType} and ${this.remainingLength} bytes exceeds the limit of ${this.maxPayloadBytes}`);
  }

  private decideOnTopicLength(offset: number): void {
    const topicLengthAt = 1 + this.lengthBytes;
    const topicLength = (this.held[topicLengthAt]! << 8) | this.held[topicLengthAt + 1]!;
    const qos = (this.held[0]! >> 1) & 0x03;
    const payloadBytes = this.remainingLength - 2 - topicLength - (qos > 0 ? 2 : 0);
    const bodyLeft = this.remainingLength - 2;
    if (payloadBytes <= this.maxPayloadBytes) {
      this.passHeld(offset);
      this.beginBody(bodyLeft);
      return;
    }
    if (qos > 0) {
      this.close(offset, `a QoS ${qos} message of ${payloadBytes} bytes exceeds the limit of ${this.maxPayloadBytes}`);
      return;
    }
    this.flushRun(this.packetStart(offset));
    this.result.dropped.push(payloadBytes);
    this.held = [];
    this.carried = 0;
    this.mode = 'skip';
    this.bodyLeft = bodyLeft;
    if (bodyLeft === 0) this.nextPacket();
  }

  /** Sends the held bytes on: the ones still in this chunk as part of the run, earlier ones as a copy. */
  private passHeld(offset: number): void {
    if (this.carried > 0) {
      this.flushRun(0);
      this.result.output.push(Buffer.from(this.held.slice(0, this.carried)));
    }
    this.startRun(this.packetStart(offset));
    this.held = [];
    this.carried = 0;
  }

  private beginBody(bodyLeft: number): void {
    this.mode = 'pass';
    this.bodyLeft = bodyLeft;
    if (bodyLeft === 0) this.nextPacket();
  }

  private close(offset: number, reason: string): void {
    this.flushRun(this.packetStart(offset));
    this.result.violation = reason;
    this.mode = 'closed';
  }
}
