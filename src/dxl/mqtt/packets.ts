/*
 * MQTT 3.1 / 3.1.1 control packets a DXL client sends, framed by hand: the client
 * only ever sends QoS 0 PUBLISH, so the framing is a few bytes per message and
 * writing it directly keeps the per-request cost to one small allocation.
 */

export const enum PacketType {
  Connect = 1,
  Connack = 2,
  Publish = 3,
  Puback = 4,
  Pubrec = 5,
  Pubrel = 6,
  Pubcomp = 7,
  Subscribe = 8,
  Suback = 9,
  Unsubscribe = 10,
  Unsuback = 11,
  Pingreq = 12,
  Pingresp = 13,
  Disconnect = 14,
}

/** The largest remaining length MQTT can express (four length bytes). */
export const MAX_REMAINING_LENGTH = 268_435_455;

export const PINGREQ = Buffer.from([PacketType.Pingreq << 4, 0]);
export const DISCONNECT = Buffer.from([PacketType.Disconnect << 4, 0]);

function lengthBytes(length: number): number {
  if (length < 0x80) return 1;
  if (length < 0x4000) return 2;
  if (length < 0x200000) return 3;
  return 4;
}

/** Writes the fixed header (first byte + remaining length) and returns the offset after it. */
function writeFixedHeader(buf: Buffer, firstByte: number, remaining: number): number {
  buf[0] = firstByte;
  let offset = 1;
  do {
    let digit = remaining % 0x80;
    remaining = Math.floor(remaining / 0x80);
    if (remaining > 0) digit |= 0x80;
    buf[offset++] = digit;
  } while (remaining > 0);
  return offset;
}

function checkedRemaining(remaining: number): number {
  if (remaining > MAX_REMAINING_LENGTH) throw new RangeError(`MQTT packet of ${remaining} bytes exceeds the protocol's limit`);
  return remaining;
}

function packet(firstByte: number, remaining: number): { buf: Buffer; offset: number } {
  checkedRemaining(remaining);
  const buf = Buffer.allocUnsafe(1 + lengthBytes(remaining) + remaining);
  return { buf, offset: writeFixedHeader(buf, firstByte, remaining) };
}

function writeString(buf: Buffer, offset: number, text: string, byteLength: number): number {
  buf.writeUInt16BE(byteLength, offset);
  buf.write(text, offset + 2, byteLength, 'utf8');
  return offset + 2 + byteLength;
}

/** The longest string (topic, client id) MQTT can carry, in UTF-8 bytes. */
export const MAX_STRING_BYTES = 0xffff;

function stringLength(text: string): number {
  const length = Buffer.byteLength(text, 'utf8');
  if (length > MAX_STRING_BYTES) throw new RangeError(`MQTT string of ${length} bytes is longer than ${MAX_STRING_BYTES}`);
  return length;
}

export interface ConnectOptions {
  clientId: string;
  /** 4 = MQTT 3.1.1 ("MQTT"), 3 = MQTT 3.1 ("MQIsdp"). */
  protocolVersion: 3 | 4;
  keepaliveSec: number;
}

/** CONNECT with a clean session and no will, user name or password: DXL authenticates by TLS client certificate. */
export function connectPacket(options: ConnectOptions): Buffer {
  if (!Number.isInteger(options.keepaliveSec) || options.keepaliveSec < 0 || options.keepaliveSec > 0xffff) {
    throw new RangeError(`MQTT keepalive must be a whole number of seconds from 0 to 65535, not ${options.keepaliveSec}`);
  }
  const protocolName = options.protocolVersion === 3 ? 'MQIsdp' : 'MQTT';
  const clientIdLength = stringLength(options.clientId);
  const remaining = 2 + protocolName.length + 1 + 1 + 2 + 2 + clientIdLength;
  const { buf, offset: start } = packet(PacketType.Connect << 4, remaining);
  let offset = writeString(buf, start, protocolName, protocolName.length);
  buf[offset++] = options.protocolVersion;
  buf[offset++] = 0x02; // clean session
  buf.writeUInt16BE(options.keepaliveSec, offset);
  writeString(buf, offset + 2, options.clientId, clientIdLength);
  return buf;
}

/** SUBSCRIBE at QoS 0 to each topic. */
export function subscribePacket(packetId: number, topics: readonly string[]): Buffer {
  const lengths = topics.map(stringLength);
  const remaining = 2 + lengths.reduce((sum, length) => sum + 2 + length + 1, 0);
  const { buf, offset: start } = packet((PacketType.Subscribe << 4) | 0x02, remaining);
  buf.writeUInt16BE(packetId, start);
  let offset = start + 2;
  topics.forEach((topic, index) => {
    offset = writeString(buf, offset, topic, lengths[index]!);
    buf[offset++] = 0;
  });
  return buf;
}

export function unsubscribePacket(packetId: number, topics: readonly string[]): Buffer {
  const lengths = topics.map(stringLength);
  const remaining = 2 + lengths.reduce((sum, length) => sum + 2 + length, 0);
  const { buf, offset: start } = packet((PacketType.Unsubscribe << 4) | 0x02, remaining);
  buf.writeUInt16BE(packetId, start);
  let offset = start + 2;
  topics.forEach((topic, index) => {
    offset = writeString(buf, offset, topic, lengths[index]!);
  });
  return buf;
}

/**
 * The header of a QoS 0 PUBLISH (fixed header and topic), to be written
 * just before the payload: the payload itself is not copied.
 */
export function publishHeader(topic: string, payloadLength: number): Buffer {
  const topicLength = stringLength(topic);
  const remaining = checkedRemaining(2 + topicLength + payloadLength);
  const buf = Buffer.allocUnsafe(1 + lengthBytes(remaining) + 2 + topicLength);
  const offset = writeFixedHeader(buf, PacketType.Publish << 4, remaining);
  writeString(buf, offset, topic, topicLength);
  return buf;
}

/** PUBACK, PUBREC or PUBCOMP for a packet id: the answers to a broker's QoS 1 and 2 deliveries. */
export function acknowledgement(type: PacketType.Puback | PacketType.Pubrec | PacketType.Pubcomp, packetId: number): Buffer {
  return Buffer.from([type << 4, 2, packetId >> 8, packetId & 0xff]);
}

const CONNACK_REFUSALS: Record<number, string> = {
  1: 'unacceptable protocol version',
  2: 'client identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
};

/** Why a broker refused a CONNECT, by CONNACK return code. */
export function connackRefusal(code: number): string {
  return CONNACK_REFUSALS[code] ?? `return code ${code}`;
}
