import { ProvisionError, ProvisionErrorCode } from './errors';

/** Longest server text quoted in an error message. */
const MAX_QUOTED_CHARS = 500;

function quoted(text: string): string {
  return text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text;
}

/**
 * The body of a management command's answer: a status word, a colon, then the detail.
 * `OK:` is followed by a JSON document, returned parsed; any other status word (`Error 1 :`…)
 * is the server refusing the command, with its reason.
 * `where` names the command's URL (without credentials) in messages; `redact` cleans the
 * server's own words before they are quoted.
 */
export function parseManagementAnswer(body: string, where: string, redact: (text: string) => string = (text) => text): unknown {
  const colon = body.indexOf(':');
  if (colon < 0) {
    throw new ProvisionError(
      ProvisionErrorCode.BadResponse,
      `${where} answered without a status ("OK:" or "Error:"): is this an ePO or OpenDXL management server? It said: ${JSON.stringify(quoted(redact(body.trim())))}`,
    );
  }
  const status = body.slice(0, colon).trim();
  const detail = body.slice(colon + 1).trim();
  if (status !== 'OK') {
    const reason = redact(detail);
    throw new ProvisionError(
      ProvisionErrorCode.CommandFailed,
      `${where} failed with status "${quoted(redact(status))}": ${quoted(reason) || '(no reason given)'}`,
      {
        serverMessage: reason,
      },
    );
  }
  try {
    return JSON.parse(detail) as unknown;
  } catch (error) {
    throw new ProvisionError(
      ProvisionErrorCode.BadResponse,
      `${where} answered OK but its detail is not valid JSON (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
}
