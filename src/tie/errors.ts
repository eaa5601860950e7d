/**
 * Errors raised by the TIE layer itself. Everything a `TieClient` method rejects with is either a
 * `TieError` (below) or a `DxlError` from the DXL client, passed through unchanged:
 *
 * - `TIE_INVALID_INPUT`   the caller's arguments were refused before anything was sent
 *                         (bad hash, unknown trust level, bad file type, bad query limit, ...).
 * - `TIE_INVALID_RESPONSE` the TIE service answered with something that is not a TIE payload.
 * - `TIE_CLOSED`          the TieClient was closed by its owner.
 * - `TIE_WRITE_QUEUE_FULL` a write over the client's write limit found its queue full; nothing was sent.
 * - `TIE_WRITE_RATE_LIMITED` a write over the client's write limit that was told not to wait; nothing was sent.
 * - `DXL_ERROR_RESPONSE`  the TIE service answered with an ErrorResponse, e.g. "Could not find
 *                         reputation" (fabric code 0) from the mock servers; `fabricCode` says which.
 * - `DXL_SERVICE_UNAVAILABLE` no TIE service is registered on the fabric (0x80000001).
 * - `DXL_SERVICE_OVERLOADED`  the TIE service's queue was full (0x80000002).
 * - `DXL_TIMEOUT`         no answer within the request timeout.
 * - `DXL_DISCONNECTED`, `DXL_CLOSED` the DXL client was not, or is no longer, connected.
 * - `DXL_INVALID_ARGUMENT`, `DXL_MALFORMED` rare DXL-level failures.
 */
export const TieErrorCode = {
  InvalidInput: 'TIE_INVALID_INPUT',
  InvalidResponse: 'TIE_INVALID_RESPONSE',
  Closed: 'TIE_CLOSED',
  WriteQueueFull: 'TIE_WRITE_QUEUE_FULL',
  WriteRateLimited: 'TIE_WRITE_RATE_LIMITED',
} as const;

export type TieErrorCodeValue = (typeof TieErrorCode)[keyof typeof TieErrorCode];

export class TieError extends Error {
  readonly code: TieErrorCodeValue;

  constructor(code: TieErrorCodeValue, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TieError';
    this.code = code;
  }
}

export function invalidInput(message: string): TieError {
  return new TieError(TieErrorCode.InvalidInput, message);
}

export function invalidResponse(message: string, cause?: unknown): TieError {
  return new TieError(TieErrorCode.InvalidResponse, message, { cause });
}
