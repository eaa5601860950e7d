/**
 * A DXL message: its fields (one flat shape for the four types), its payload as bytes or text, and
 * the msgpack envelope that carries it on the wire (encode, decode).
 */
import { DxlError, DxlErrorCode } from './errors';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';

/** The four DXL message types, as carried in the second msgpack object of every message. */
export enum MessageType {
  Request = 0,
  Response = 1,
  Event = 2,
  ErrorResponse = 3,
}

/**
 * One DXL message, flat: fields that do not belong to its type hold their empty value
 * ("" or []), which is what the wire carries for them anyway. A single shape keeps
 * every message monomorphic on the hot path.
 */
export interface DxlMessage {
  version: number;
  messageType: MessageType;
  messageId: string;
  sourceClientId: string;
  sourceBrokerId: string;
  brokerIds: string[];
  clientIds: string[];
  /** Raw application bytes; never decoded by the DXL layer. */
  payload: Buffer;
  otherFields: Record<string, string>;
  sourceTenantGuid: string;
  destinationTenantGuids: string[];
  /** Written by the OpenDXL broker (version 3); empty otherwise. */
  sourceClientInstanceId: string;
  /** Request only. */
  replyToTopic: string;
  /** Request, Response and ErrorResponse. */
  serviceId: string;
  /** Response and ErrorResponse: the messageId of the request answered. */
  requestMessageId: string;
  /** ErrorResponse only, normalised to an unsigned 32-bit value. */
  errorCode: number;
  /** ErrorResponse only. */
  errorMessage: string;
  /** The MQTT topic the message travelled on; not part of the msgpack bytes. */
  destinationTopic: string;
}

/** A message with every field at its empty value. */
export function emptyMessage(messageType: MessageType, destinationTopic = ''): DxlMessage {
  return {
    version: 2,
    messageType,
    messageId: '',
    sourceClientId: '',
    sourceBrokerId: '',
    brokerIds: [],
    clientIds: [],
    payload: EMPTY_PAYLOAD,
    otherFields: {},
    sourceTenantGuid: '',
    destinationTenantGuids: [],
    sourceClientInstanceId: '',
    replyToTopic: '',
    serviceId: '',
    requestMessageId: '',
    errorCode: 0,
    errorMessage: '',
    destinationTopic,
  };
}

const EMPTY_PAYLOAD = Buffer.alloc(0);

/** What callers may hand over as a payload: text is sent as UTF-8, objects as JSON. */
export type DxlPayload = string | Uint8Array | object;

export function payloadToBuffer(payload: DxlPayload | undefined | null): Buffer {
  if (payload === undefined || payload === null) return EMPTY_PAYLOAD;
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  if (Buffer.isBuffer(payload)) return payload;
  if (payload instanceof Uint8Array) return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  return Buffer.from(JSON.stringify(payload), 'utf8');
}

/**
 * Parses a JSON payload received: the one decoder of JSON from the wire. The OpenDXL broker ends its
 * JSON with a newline and may add a trailing NUL; both are trimmed first. Throws DXL_MALFORMED when
 * the payload is not JSON or nests deeper than MAX_JSON_DEPTH (json-depth.ts); the error names the
 * position or the bound, never the payload's text.
 */
export function parseJsonPayload(payload: Buffer): unknown {
  let end = payload.length;
  while (end > 0 && (payload[end - 1] === 0x0a || payload[end - 1] === 0x00 || payload[end - 1] === 0x0d)) end--;
  if (nestsDeeperThan(payload, end, MAX_JSON_DEPTH)) {
    throw new DxlError(
      DxlErrorCode.Malformed,
      `its arrays and objects nest deeper than the ${MAX_JSON_DEPTH} levels accepted (MAX_JSON_DEPTH)`,
    );
  }
  const text = payload.toString('utf8', 0, end);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DxlError(DxlErrorCode.Malformed, jsonSyntaxProblem(error, text.length));
  }
}

/** What JSON.parse found wrong, without the snippet of the text V8 quotes in some of its messages. */
function jsonSyntaxProblem(error: unknown, length: number): string {
  const message = error instanceof Error ? error.message : '';
  if (length === 0 || /end of JSON input/.test(message)) return 'the text ends before its JSON does';
  const position = /at position (\d+)/.exec(message);
  return position ? `invalid at position ${position[1]} of its ${length} characters` : `invalid in its ${length} characters`;
}

// ---- the envelope ----

/*
 * The DXL envelope: a sequence of top-level msgpack objects (not an array).
 * Hand-written rather than a general msgpack library because the envelope needs
 * byte payloads in the str family (the OpenDXL broker rejects bin payloads),
 * accepts str or bin anywhere on decode, and sits on the hot path of every request.
 */

const ENCODED_VERSION = 2;
const UINT32 = 0x100000000;

function strHeaderSize(length: number): number {
  if (length < 32) return 1;
  if (length < 0x100) return 2;
  if (length < 0x10000) return 3;
  return 5;
}

/** A msgpack value of `bytes` big-endian unsigned bytes after its tag; the offset after it. */
function writeTagged(buf: Buffer, offset: number, tag: number, bytes: 1 | 2 | 4, value: number): number {
  buf[offset] = tag;
  if (bytes === 1) buf[offset + 1] = value;
  else if (bytes === 2) buf.writeUInt16BE(value, offset + 1);
  else buf.writeUInt32BE(value, offset + 1);
  return offset + 1 + bytes;
}

function writeStrHeader(buf: Buffer, offset: number, length: number): number {
  if (length < 32) {
    buf[offset] = 0xa0 | length;
    return offset + 1;
  }
  if (length < 0x100) return writeTagged(buf, offset, 0xd9, 1, length);
  return length < 0x10000 ? writeTagged(buf, offset, 0xda, 2, length) : writeTagged(buf, offset, 0xdb, 4, length);
}

function arrayHeaderSize(length: number): number {
  if (length < 16) return 1;
  return length < 0x10000 ? 3 : 5;
}

function writeArrayHeader(buf: Buffer, offset: number, length: number): number {
  if (length < 16) {
    buf[offset] = 0x90 | length;
    return offset + 1;
  }
  return length < 0x10000 ? writeTagged(buf, offset, 0xdc, 2, length) : writeTagged(buf, offset, 0xdd, 4, length);
}

/** The size of an unsigned integer (the only kind the envelope writes: error codes as unsigned 32-bit). */
function uintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x100) return 2;
  return value < 0x10000 ? 3 : 5;
}

function writeUint(buf: Buffer, offset: number, value: number): number {
  if (value < 0x80) {
    buf[offset] = value;
    return offset + 1;
  }
  if (value < 0x100) return writeTagged(buf, offset, 0xcc, 1, value);
  return value < 0x10000 ? writeTagged(buf, offset, 0xcd, 2, value) : writeTagged(buf, offset, 0xce, 4, value >>> 0);
}

function strSize(value: string): number {
  const length = Buffer.byteLength(value, 'utf8');
  return strHeaderSize(length) + length;
}

function writeStr(buf: Buffer, offset: number, value: string): number {
  const length = Buffer.byteLength(value, 'utf8');
  offset = writeStrHeader(buf, offset, length);
  return offset + (length === 0 ? 0 : buf.write(value, offset, length, 'utf8'));
}

function strArraySize(values: readonly string[]): number {
  let size = arrayHeaderSize(values.length);
  for (const value of values) size += strSize(value);
  return size;
}

function writeStrArray(buf: Buffer, offset: number, values: readonly string[]): number {
  offset = writeArrayHeader(buf, offset, values.length);
  for (const value of values) offset = writeStr(buf, offset, value);
  return offset;
}

function otherFieldsList(otherFields: Record<string, string>): string[] {
  const flat: string[] = [];
  for (const key in otherFields) flat.push(key, String(otherFields[key]));
  return flat;
}

/** Encodes a message as a version 2 DXL envelope, in the field order of the reference clients. */
export function encodeMessage(message: DxlMessage): Buffer {
  const type = message.messageType;
  const isRequest = type === MessageType.Request;
  const isReply = type === MessageType.Response || type === MessageType.ErrorResponse;
  const isError = type === MessageType.ErrorResponse;
  const others = otherFieldsList(message.otherFields);
  const payload = message.payload;
  // Unsigned 32-bit, as the reference clients write it.
  const errorCode = isError ? (message.errorCode < 0 ? message.errorCode + UINT32 : message.errorCode) : 0;

  let size =
    2 +
    strSize(message.messageId) +
    strSize(message.sourceClientId) +
    strSize(message.sourceBrokerId) +
    strArraySize(message.brokerIds) +
    strArraySize(message.clientIds) +
    strHeaderSize(payload.length) +
    payload.length +
    strArraySize(others) +
    strSize(message.sourceTenantGuid) +
    strArraySize(message.destinationTenantGuids);
  if (isRequest) size += strSize(message.replyToTopic) + strSize(message.serviceId);
  if (isReply) size += strSize(message.requestMessageId) + strSize(message.serviceId);
  if (isError) size += uintSize(errorCode) + strSize(message.errorMessage);

  const buf = Buffer.allocUnsafe(size);
  buf[0] = ENCODED_VERSION;
  buf[1] = type;
  let offset = writeStr(buf, 2, message.messageId);
  offset = writeStr(buf, offset, message.sourceClientId);
  offset = writeStr(buf, offset, message.sourceBrokerId);
  offset = writeStrArray(buf, offset, message.brokerIds);
  offset = writeStrArray(buf, offset, message.clientIds);
  offset = writeStrHeader(buf, offset, payload.length);
  offset += payload.copy(buf, offset);
  if (isRequest) {
    offset = writeStr(buf, offset, message.replyToTopic);
    offset = writeStr(buf, offset, message.serviceId);
  } else if (isReply) {
    offset = writeStr(buf, offset, message.requestMessageId);
    offset = writeStr(buf, offset, message.serviceId);
    if (isError) {
      offset = writeUint(buf, offset, errorCode);
      offset = writeStr(buf, offset, message.errorMessage);
    }
  }
  offset = writeStrArray(buf, offset, others);
  offset = writeStr(buf, offset, message.sourceTenantGuid);
  writeStrArray(buf, offset, message.destinationTenantGuids);
  return buf;
}

/** Reads a big-endian number of a msgpack value's size at an offset. */
type Read = (buf: Buffer, at: number) => number;
const U8: Read = (buf, at) => buf[at];
const U16: Read = (buf, at) => buf.readUInt16BE(at);
const U32: Read = (buf, at) => buf.readUInt32BE(at);
/** msgpack's sized integers by tag: their size in bytes and how to read them. */
const INT_READS: ReadonlyMap<number, readonly [number, Read]> = new Map<number, readonly [number, Read]>([
  [0xcc, [1, U8]],
  [0xcd, [2, U16]],
  [0xce, [4, U32]],
  [0xcf, [8, (buf, at) => Number(buf.readBigUInt64BE(at))]],
  [0xd0, [1, (buf, at) => buf.readInt8(at)]],
  [0xd1, [2, (buf, at) => buf.readInt16BE(at)]],
  [0xd2, [4, (buf, at) => buf.readInt32BE(at)]],
  [0xd3, [8, (buf, at) => Number(buf.readBigInt64BE(at))]],
]);

/** A forward-only reader over one envelope. Past the end every field reads as empty. */
class EnvelopeReader {
  offset = 0;
  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.offset >= this.buf.length;
  }

  private fail(what: string): never {
    throw new DxlError(DxlErrorCode.Malformed, `Malformed DXL message: ${what} at byte ${this.offset}`);
  }

  private need(bytes: number): void {
    if (this.offset + bytes > this.buf.length) this.fail('truncated value');
  }

  /** Reads `bytes` bytes at the offset with `read` and moves past them. */
  private take(bytes: number, read: Read): number {
    this.need(bytes);
    const value = read(this.buf, this.offset);
    this.offset += bytes;
    return value;
  }

  int(): number {
    if (this.done) return 0;
    const tag = this.buf[this.offset++];
    if (tag < 0x80) return tag;
    if (tag >= 0xe0) return tag - 0x100;
    if (tag === 0xc0) return 0;
    const sized = INT_READS.get(tag);
    if (sized !== undefined) return this.take(sized[0], sized[1]);
    this.offset--;
    return this.fail(`expected an integer, found 0x${tag.toString(16)}`);
  }

  /** Length of a str or bin value, leaving the offset at its first byte; -1 for nil. */
  private rawLength(): number {
    const tag = this.buf[this.offset++];
    let length: number;
    if (tag >= 0xa0 && tag <= 0xbf) length = tag & 0x1f;
    else if (tag === 0xd9 || tag === 0xc4) length = this.take(1, U8);
    else if (tag === 0xda || tag === 0xc5) length = this.take(2, U16);
    else if (tag === 0xdb || tag === 0xc6) length = this.take(4, U32);
    else if (tag === 0xc0) return -1;
    else {
      this.offset--;
      return this.fail(`expected a string, found 0x${tag.toString(16)}`);
    }
    this.need(length);
    return length;
  }

  str(): string {
    if (this.done) return '';
    const length = this.rawLength();
    if (length <= 0) return '';
    const start = this.offset;
    this.offset += length;
    return this.buf.toString('utf8', start, this.offset);
  }

  bytes(): Buffer {
    if (this.done) return Buffer.alloc(0);
    const length = this.rawLength();
    if (length <= 0) return Buffer.alloc(0);
    const start = this.offset;
    this.offset += length;
    // A copy, so a held payload does not pin the whole MQTT packet.
    return Buffer.from(this.buf.subarray(start, this.offset));
  }

  strArray(): string[] {
    if (this.done) return [];
    const buf = this.buf;
    const tag = buf[this.offset++];
    let count: number;
    if (tag >= 0x90 && tag <= 0x9f) count = tag & 0x0f;
    else if (tag === 0xdc) count = this.take(2, U16);
    else if (tag === 0xdd) count = this.take(4, U32);
    else if (tag === 0xc0) return [];
    else {
      this.offset--;
      return this.fail(`expected an array, found 0x${tag.toString(16)}`);
    }
    if (count > buf.length - this.offset) this.fail('array longer than the message');
    const values = new Array<string>(count);
    for (let i = 0; i < count; i++) values[i] = this.str();
    return values;
  }
}

const MESSAGE_TYPES: ReadonlySet<number> = new Set<number>([
  MessageType.Request,
  MessageType.Response,
  MessageType.Event,
  MessageType.ErrorResponse,
]);

/** True when the decoded integer is one of the DXL message types. */
function isMessageType(value: number): value is MessageType {
  return MESSAGE_TYPES.has(value);
}

/**
 * Decodes a DXL envelope of any version (0 to 3, and later ones by ignoring
 * trailing fields). Throws a DxlError with code DXL_MALFORMED when the bytes
 * are not a DXL message.
 */
export function decodeMessage(bytes: Buffer, destinationTopic = ''): DxlMessage {
  if (bytes.length < 2) throw new DxlError(DxlErrorCode.Malformed, 'Malformed DXL message: shorter than its header');
  const reader = new EnvelopeReader(bytes);
  const version = reader.int();
  const messageType = reader.int();
  if (version < 0) throw new DxlError(DxlErrorCode.Malformed, `Malformed DXL message: version ${version}`);
  if (!isMessageType(messageType)) {
    throw new DxlError(DxlErrorCode.Malformed, `Malformed DXL message: unknown message type ${messageType}`);
  }
  const messageId = reader.str();
  const sourceClientId = reader.str();
  const sourceBrokerId = reader.str();
  const brokerIds = reader.strArray();
  const clientIds = reader.strArray();
  const payload = reader.bytes();
  let replyToTopic = '';
  let serviceId = '';
  let requestMessageId = '';
  let errorCode = 0;
  let errorMessage = '';
  if (messageType === MessageType.Request) {
    replyToTopic = reader.str();
    serviceId = reader.str();
  } else if (messageType !== MessageType.Event) {
    requestMessageId = reader.str();
    serviceId = reader.str();
    if (messageType === MessageType.ErrorResponse) {
      const code = reader.int();
      // Unsigned 32 bits whatever integer the sender used (a 64-bit one would not re-encode).
      errorCode = code >>> 0;
      errorMessage = reader.str();
    }
  }
  const otherFields: Record<string, string> = {};
  if (version >= 1) {
    const flat = reader.strArray();
    for (let i = 0; i + 1 < flat.length; i += 2) otherFields[flat[i]] = flat[i + 1]!;
  }
  const sourceTenantGuid = version >= 2 ? reader.str() : '';
  const destinationTenantGuids = version >= 2 ? reader.strArray() : [];
  const sourceClientInstanceId = version >= 3 ? reader.str() : '';
  return {
    version,
    messageType,
    messageId,
    sourceClientId,
    sourceBrokerId,
    brokerIds,
    clientIds,
    payload,
    otherFields,
    sourceTenantGuid,
    destinationTenantGuids,
    sourceClientInstanceId,
    replyToTopic,
    serviceId,
    requestMessageId,
    errorCode,
    errorMessage,
    destinationTopic,
  };
}
