/**
 * Stable codes for provisioning failures. Messages name the server, the command and what to do;
 * they never hold the password (nor the user's key).
 */
export const ProvisionErrorCode = {
  /** A caller passed something unusable (no host, no user, an empty common name…). */
  InvalidArgument: 'PROVISION_INVALID_ARGUMENT',
  /** The server could not be reached, or did not answer in time. */
  Unreachable: 'PROVISION_UNREACHABLE',
  /** The server's certificate did not verify against the trusted CAs. */
  UntrustedServer: 'PROVISION_UNTRUSTED_SERVER',
  /** HTTP 401/403: wrong user or password, or the user may not run the command. */
  Unauthorized: 'PROVISION_UNAUTHORIZED',
  /** Too many redirects, or a redirect to another host or port. */
  Redirect: 'PROVISION_REDIRECT',
  /** Any other non-2xx HTTP status. */
  HttpStatus: 'PROVISION_HTTP_STATUS',
  /** The server ran the command and answered with an error (e.g. it refused the CSR). */
  CommandFailed: 'PROVISION_COMMAND_FAILED',
  /** The answer is not in the documented format. */
  BadResponse: 'PROVISION_BAD_RESPONSE',
  /** Files could not be written, or would overwrite existing ones. */
  Files: 'PROVISION_FILES',
} as const;

export type ProvisionErrorCodeValue = (typeof ProvisionErrorCode)[keyof typeof ProvisionErrorCode];

export interface ProvisionErrorDetails {
  /** The HTTP status, when the server answered with one. */
  httpStatus?: number;
  /** The server's own error text, for CommandFailed (with the password masked). */
  serverMessage?: string;
  cause?: unknown;
}

export class ProvisionError extends Error {
  readonly code: ProvisionErrorCodeValue;
  readonly httpStatus?: number;
  readonly serverMessage?: string;

  constructor(code: ProvisionErrorCodeValue, message: string, details: ProvisionErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ProvisionError';
    this.code = code;
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus;
    if (details.serverMessage !== undefined) this.serverMessage = details.serverMessage;
  }
}

/** A text from the server with every occurrence of the secret masked (a server may echo it back). */
export function maskSecret(text: string, secret: string): string {
  return secret === '' ? text : text.split(secret).join('********');
}
