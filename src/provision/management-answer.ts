/**
 * The body of a management command's answer, in the ePO / OpenDXL format: a status word, a colon,
 * then the detail. The server's own words are quoted in an error only when the reply is in that
 * format; any other reply (a login page, a proxy's error page, another service) is described by
 * its status, content type and length, never by its text.
 */
import type { HttpAnswer } from './https-get';
import { ProvisionError, ProvisionErrorCode } from './errors';

/** Longest server text quoted in an error message. */
const MAX_QUOTED_CHARS = 500;
/** "OK", "Error 1", "Error -2": a word, and the number the official servers put after Error. */
const STATUS_WORD_RE = /^[A-Za-z]{1,32}(?:\s+-?\d{1,10})?$/;
/** A media type as the HTTP grammar spells one (type/subtype, tokens only). */
const MEDIA_TYPE_RE = /^[A-Za-z0-9!#$&^_.+-]{1,64}\/[A-Za-z0-9!#$&^_.+-]{1,64}$/;
/** Pages, not command answers. */
const MARKUP_TYPE_RE = /html|xml/i;

export type ManagementReply = Pick<HttpAnswer, 'status' | 'headers' | 'body'>;

function quoted(text: string): string {
  return text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text;
}

/** The reply's media type when it is a well-formed one; undefined otherwise. */
function mediaType(reply: ManagementReply): string | undefined {
  const header = reply.headers['content-type'];
  const type = (typeof header === 'string' ? header : '').split(';', 1)[0].trim();
  return MEDIA_TYPE_RE.test(type) ? type.toLowerCase() : undefined;
}

/** What a reply was, without a word of its text: "HTTP 200, text/html, 1234 bytes". */
export function describeReply(reply: ManagementReply): string {
  const header = reply.headers['content-type'];
  const type = mediaType(reply) ?? (header === undefined ? 'no content type' : 'a malformed content type');
  return `HTTP ${reply.status}, ${type}, ${Buffer.byteLength(reply.body, 'utf8')} bytes`;
}

/** The status word before the first colon, when the reply is in the management answer format. */
function managementStatus(reply: ManagementReply): string | undefined {
  const type = mediaType(reply);
  if (type !== undefined && MARKUP_TYPE_RE.test(type)) return undefined;
  const colon = reply.body.indexOf(':');
  if (colon < 0) return undefined;
  const status = reply.body.slice(0, colon).trim();
  return STATUS_WORD_RE.test(status) ? status : undefined;
}

/**
 * The JSON document of an `OK:` answer; any other status word (`Error 1 :`…) is the server refusing
 * the command, with its reason quoted (after `redact`). `where` names the command's URL (without
 * credentials) in messages.
 */
export function parseManagementAnswer(reply: ManagementReply, where: string, redact: (text: string) => string = (text) => text): unknown {
  const status = managementStatus(reply);
  if (status === undefined) {
    throw new ProvisionError(
      ProvisionErrorCode.BadResponse,
      `${where} answered without a management status ("OK:" or "Error:"): is this an ePO or OpenDXL management server? It sent ${describeReply(reply)}`,
      { httpStatus: reply.status },
    );
  }
  const detail = reply.body.slice(reply.body.indexOf(':') + 1).trim();
  if (status !== 'OK') {
    const reason = redact(detail);
    throw new ProvisionError(
      ProvisionErrorCode.CommandFailed,
      `${where} failed with status "${redact(status)}": ${quoted(reason) || '(no reason given)'}`,
      { serverMessage: reason },
    );
  }
  try {
    return JSON.parse(detail) as unknown;
  } catch {
    // Neither JSON.parse's message nor the error itself is passed on: both quote the text it stopped at.
    throw new ProvisionError(
      ProvisionErrorCode.BadResponse,
      `${where} answered OK but its detail is not valid JSON (${describeReply(reply)})`,
    );
  }
}
