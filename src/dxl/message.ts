/**
 * A DXL message: its fields (one flat shape for the four types) and its payload as bytes or text;
 * the msgpack envelope that carries it on the wire is envelope.ts.
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
