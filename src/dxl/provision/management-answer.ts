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
 * `where` names the command's URL (without credentials) in messages.
 */
export function parseManagementAnswer(body: string, where: string): unknown {
  const colon = body.indexOf(':');
  if (colon < 0) {
    throw new ProvisionError(
      ProvisionErrorCode.BadResponse,
      `${where} answered without a status ("OK:" or "Error:"): is this an ePO or OpenDXL management server? It said: ${JSON.stringify(quoted(body.trim()))}`,
    );
  }
  const status = body.slice(0, colon).trim();
  const detail = body.slice(colon + 1).trim();
  if (status !== 'OK') {
    throw new ProvisionError(ProvisionErrorCode.CommandFailed, `${where} failed with status "${quoted(status)}": ${quoted(detail) || '(no reason given)'}`, {
      serverMessage: detail,
    });
  }
  try {
    return JSON.parse(detail) as unknown;
  } catch (error) {
    throw new ProvisionError(ProvisionErrorCode.BadResponse, `${where} answered OK but its detail is not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
}
