/**
 * Errors as flow nodes report them: every failure becomes a `TieNodeError` whose own `code`
 * property is stable, so that Node-RED copies it to `msg.error.code` for Catch nodes. Messages
 * never carry key material: they come from our libraries, which name files, never contents.
 */
import { DxlError, type DxlErrorCodeValue } from '../../src/dxl/errors';
import { TieError, TieErrorCode, type TieErrorCodeValue } from '../../src/tie/errors';
import type { Protector } from '../../src/tie/results';

/** Codes raised by the nodes themselves, beside the DXL_* and TIE_* codes of the libraries. */
export const NodeErrorCode = {
  /** The node has no tie-config selected, or it is disabled or missing. */
  NoConfig: 'TIE_NO_CONFIG',
  /** Something that should not happen; the message says what. */
  Internal: 'TIE_INTERNAL',
  /** A DXL node has no topic: none in its settings and no msg.topic. */
  NoTopic: 'DXL_NO_TOPIC',
  /** A DXL topic that cannot be used where it was given (a wildcard where none may be, an empty level of MQTT wildcards). */
  InvalidTopic: 'DXL_INVALID_TOPIC',
  /** A payload that cannot go on the wire (not serialisable as JSON), or an error response's code that is not a 32-bit integer. */
  InvalidPayload: 'DXL_INVALID_PAYLOAD',
  /** A dxl response node got a msg that did not come from a dxl service node (msg._dxlRequest missing). */
  NoRequest: 'DXL_NO_REQUEST',
  /** The request a msg answers was answered already, timed out, or its service node stopped. */
  RequestGone: 'DXL_REQUEST_GONE',
  /** A set node's safety net refused to lower a file GTI or the Enterprise reputation calls Known Trusted (msg.force lets it through). */
  Protected: 'TIE_PROTECTED',
} as const;

export type NodeErrorCodeValue = DxlErrorCodeValue | TieErrorCodeValue | (typeof NodeErrorCode)[keyof typeof NodeErrorCode];

/** Where a failure belongs, beside its code and message. */
export interface NodeErrorDetails {
  /** Position in a batch (0-based), when the input was an array. */
  index?: number;
  /** The numeric code of a DXL ErrorResponse. */
  fabricCode?: number;
  /** The DXL topic involved. */
  topic?: string;
  /** The message of a DXL ErrorResponse, as the service sent it. */
  errorMessage?: string;
  /** TIE_PROTECTED: the reputations that protected the file. */
  protectedBy?: Protector[];
}

export class TieNodeError extends Error {
  readonly code: NodeErrorCodeValue;
  readonly index?: number;
  readonly fabricCode?: number;
  readonly topic?: string;
  readonly errorMessage?: string;
  readonly protectedBy?: Protector[];

  constructor(code: NodeErrorCodeValue, message: string, details: NodeErrorDetails = {}) {
    super(message);
    this.name = 'TieNodeError';
    this.code = code;
    if (details.index !== undefined) this.index = details.index;
    if (details.fabricCode !== undefined) this.fabricCode = details.fabricCode;
    if (details.topic !== undefined) this.topic = details.topic;
    if (details.errorMessage !== undefined) this.errorMessage = details.errorMessage;
    if (details.protectedBy !== undefined) this.protectedBy = details.protectedBy;
  }

  /** Node-RED puts `String(error)` in `msg.error.message`: the message alone, the code being beside it. */
  override toString(): string {
    return this.message;
  }

  /** The plain object put on `msg.tieError`: what a Catch node's flow can switch on. */
  toJSON(): { code: NodeErrorCodeValue; message: string } & NodeErrorDetails {
    const detail: { code: NodeErrorCodeValue; message: string } & NodeErrorDetails = { code: this.code, message: this.message };
    if (this.index !== undefined) detail.index = this.index;
    if (this.fabricCode !== undefined) detail.fabricCode = this.fabricCode;
    if (this.topic !== undefined) detail.topic = this.topic;
    if (this.errorMessage !== undefined) detail.errorMessage = this.errorMessage;
    if (this.protectedBy !== undefined) detail.protectedBy = this.protectedBy.map((protector) => ({ ...protector }));
    return detail;
  }
}

/** The safety net's refusal of a write that would lower a file (or certificate) that `protectors` call Known Trusted. */
export function protectedError(subject: 'file' | 'certificate', trustLevelName: string, protectors: Protector[]): TieNodeError {
  const by = protectors.map((p) => `${p.providerName} (${p.providerId}): ${p.trustLevelName} (${p.trustLevel})`).join(', ');
  return new TieNodeError(
    NodeErrorCode.Protected,
    `Refused to set ${trustLevelName} on a ${subject} that ${by} calls known good; set msg.force to true to write it anyway. Nothing was sent`,
    { protectedBy: protectors },
  );
}

export function invalidInputError(message: string, index?: number): TieNodeError {
  return new TieNodeError(TieErrorCode.InvalidInput, message, index === undefined ? {} : { index });
}

/**
 * A validation error of one input with its context: a TIE layer message gets the input's label in
 * front ("msg.payload[2]: sha256 hash ...") and the batch index beside it; the node's own errors
 * already name the input and pass as they are.
 */
export function inputError(error: unknown, label: string, index?: number): TieNodeError {
  if (error instanceof TieError) return new TieNodeError(error.code, `${label}: ${error.message}`, index === undefined ? {} : { index });
  return toNodeError(error);
}

/** Where in a batch an error happened, for its message: `batch[3] of 10: `. */
export interface BatchPosition {
  index: number;
  total: number;
}

/**
 * Any failure → a `TieNodeError` with a stable code. DXL and TIE errors keep their code and
 * details; anything else is `TIE_INTERNAL`. Inside a batch the message says which item failed.
 */
export function toNodeError(error: unknown, position?: BatchPosition): TieNodeError {
  const prefix = position === undefined ? '' : `batch[${position.index}] of ${position.total}: `;
  const index = position?.index;
  if (error instanceof TieNodeError) {
    if (position === undefined || error.index !== undefined) return error;
    return new TieNodeError(error.code, prefix + error.message, { ...error.toJSON(), index });
  }
  if (error instanceof DxlError) {
    const details: NodeErrorDetails = {};
    if (index !== undefined) details.index = index;
    if (error.fabricCode !== undefined) details.fabricCode = error.fabricCode;
    if (error.topic !== undefined) details.topic = error.topic;
    if (error.errorMessage !== undefined && error.fabricCode !== undefined) details.errorMessage = error.errorMessage;
    return new TieNodeError(error.code, prefix + error.message, details);
  }
  if (error instanceof TieError) {
    return new TieNodeError(error.code, prefix + error.message, index === undefined ? {} : { index });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new TieNodeError(NodeErrorCode.Internal, prefix + message, index === undefined ? {} : { index });
}
