/**
 * Stable error codes. Callers (and Node-RED Catch nodes) switch on `code`;
 * the message is for people.
 */
export const DxlErrorCode = {
  /** No response arrived within the request's timeout. */
  Timeout: 'DXL_TIMEOUT',
  /** The fabric found no service for the request (0x80000001). */
  ServiceUnavailable: 'DXL_SERVICE_UNAVAILABLE',
  /** The service's queue was full (0x80000002). */
  ServiceOverloaded: 'DXL_SERVICE_OVERLOADED',
  /** Any other ErrorResponse; `fabricCode` and the message say which. */
  ErrorResponse: 'DXL_ERROR_RESPONSE',
  /** The connection was lost, or never made, within the request's timeout. */
  Disconnected: 'DXL_DISCONNECTED',
  /** The client was closed by its owner. */
  Closed: 'DXL_CLOSED',
  /** A dxlclient.config or client option is missing or malformed. */
  Config: 'DXL_CONFIG',
  /** A caller passed something the client cannot send. */
  InvalidArgument: 'DXL_INVALID_ARGUMENT',
  /** A message on the wire could not be decoded. */
  Malformed: 'DXL_MALFORMED',
} as const;

export type DxlErrorCodeValue = (typeof DxlErrorCode)[keyof typeof DxlErrorCode];

/** Fabric error codes carried in ErrorResponse messages. */
export const FabricErrorCode = {
  ServiceUnavailable: 0x80000001,
  ServiceOverloaded: 0x80000002,
  ResponseTimeout: 0x80000003,
  ServiceLimitExceeded: 0x80000011,
  SubscriptionLimitExceeded: 0x80000012,
} as const;

export interface DxlErrorDetails {
  /** The numeric code of an ErrorResponse, unsigned. */
  fabricCode?: number;
  /** The ErrorResponse's own message, as the service or broker sent it. */
  errorMessage?: string;
  topic?: string;
  cause?: unknown;
}

export class DxlError extends Error {
  readonly code: DxlErrorCodeValue;
  readonly fabricCode?: number;
  readonly errorMessage?: string;
  readonly topic?: string;

  constructor(code: DxlErrorCodeValue, message: string, details: DxlErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DxlError';
    this.code = code;
    if (details.fabricCode !== undefined) this.fabricCode = details.fabricCode;
    if (details.errorMessage !== undefined) this.errorMessage = details.errorMessage;
    if (details.topic !== undefined) this.topic = details.topic;
  }
}

/** Maps an ErrorResponse's code to our stable code. */
export function codeForFabricError(fabricCode: number): DxlErrorCodeValue {
  if (fabricCode === FabricErrorCode.ServiceUnavailable) return DxlErrorCode.ServiceUnavailable;
  if (fabricCode === FabricErrorCode.ServiceOverloaded) return DxlErrorCode.ServiceOverloaded;
  if (fabricCode === FabricErrorCode.ResponseTimeout) return DxlErrorCode.Timeout;
  return DxlErrorCode.ErrorResponse;
}
