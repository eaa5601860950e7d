/*
 * Runs one remote command of ePO / the OpenDXL console: GET /remote/<command>?<query>&:output=json
 * with basic authentication, following up to five redirects on the same host and port (carrying
 * cookies), and reading the "OK:"/"Error:" framing. Whatever goes wrong, the error says where and
 * why. Our messages never hold the password; the server's words are quoted only from an answer in
 * the management format (management-answer.ts), masked.
 */
import { type IncomingHttpHeaders, STATUS_CODES } from 'node:http';
import { ProvisionError, ProvisionErrorCode, maskSecret } from './errors';
import { type HttpAnswer, httpsGet, isUntrustedCertificateError } from './https-get';
import { parseManagementAnswer } from './management-answer';
import { type ManagementServer, type ResolvedManagementServer, resolveManagementServer, serverOrigin } from './management-server';
import { presentedCertificate } from './server-certificate';

export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export type CommandQuery = Readonly<Record<string, string>>;

function commandPath(command: string, query: CommandQuery): string {
  const pairs = Object.entries({ ...query, ':output': 'json' }).map(
    ([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`,
  );
  return `/remote/${encodeURIComponent(command)}?${pairs.join('&')}`;
}

/** Cookies set by the server, sent back on the next request (name=value only). */
function rememberCookies(jar: Map<string, string>, headers: IncomingHttpHeaders): void {
  for (const line of headers['set-cookie'] ?? []) {
    const pair = line.split(';', 1)[0].trim();
    const equals = pair.indexOf('=');
    if (equals > 0) jar.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
  }
}

function cookieHeader(jar: Map<string, string>): Record<string, string> {
  if (jar.size === 0) return {};
  return { Cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') };
}

function effectivePort(url: URL): number {
  return url.port === '' ? 443 : Number(url.port);
}

function sameServer(url: URL, server: ResolvedManagementServer): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return url.protocol === 'https:' && host === server.host.toLowerCase() && effectivePort(url) === server.port;
}

/** The next path to ask for, or an error: redirects only stay on the same server. */
function redirectTarget(answer: HttpAnswer, currentPath: string, server: ResolvedManagementServer, where: string): string {
  const location = answer.headers.location;
  if (!location)
    throw new ProvisionError(ProvisionErrorCode.Redirect, `${where} redirected (HTTP ${answer.status}) without a Location`, {
      httpStatus: answer.status,
    });
  let next: URL;
  try {
    next = new URL(location, `${serverOrigin(server)}${currentPath}`);
  } catch {
    throw new ProvisionError(ProvisionErrorCode.Redirect, `${where} redirected (HTTP ${answer.status}) to an invalid Location`, {
      httpStatus: answer.status,
    });
  }
  if (!sameServer(next, server)) {
    // The origin only: the rest of the Location is the server's text.
    const target = maskSecret(`${next.protocol}//${next.host}`, server.password);
    throw new ProvisionError(
      ProvisionErrorCode.Redirect,
      `${where} redirected to ${target}: redirects to another host, port or scheme are not followed (credentials stay with ${serverOrigin(server)})`,
      { httpStatus: answer.status },
    );
  }
  return `${next.pathname}${next.search}`;
}

function statusError(answer: HttpAnswer, where: string, server: ResolvedManagementServer, command: string): ProvisionError {
  const status = answer.status;
  const details = { httpStatus: status };
  if (status === 401) {
    return new ProvisionError(
      ProvisionErrorCode.Unauthorized,
      `${where}: HTTP 401, the server refused user "${server.user}": wrong user name or password`,
      details,
    );
  }
  if (status === 403) {
    return new ProvisionError(
      ProvisionErrorCode.Unauthorized,
      `${where}: HTTP 403, user "${server.user}" may not run ${command}: give it that permission on the server`,
      details,
    );
  }
  // The standard reason phrase, not the server's own text.
  const reason = STATUS_CODES[status] === undefined ? '' : ` ${STATUS_CODES[status]}`;
  return new ProvisionError(ProvisionErrorCode.HttpStatus, `${where} failed with HTTP ${status}${reason}`, details);
}

async function untrustedServerError(error: unknown, server: ResolvedManagementServer): Promise<ProvisionError> {
  const code = String((error as NodeJS.ErrnoException).code);
  const presented = await presentedCertificate(server);
  const which = presented
    ? ` It presented "${presented.subject}", issued by "${presented.issuer}", SHA-256 fingerprint ${presented.fingerprint256}.`
    : '';
  const against = server.ca !== undefined ? 'the CA certificate(s) given' : "Node's public root CAs (and its host name)";
  return new ProvisionError(
    ProvisionErrorCode.UntrustedServer,
    `${serverOrigin(server)}: the server's certificate does not verify against ${against} (${code}).${which} Give the CA that signed it, or choose to trust this server without verification.`,
    { cause: error },
  );
}

/** The first non-redirect 2xx answer. */
async function fetchFollowingRedirects(
  server: ResolvedManagementServer,
  command: string,
  query: CommandQuery,
  where: string,
): Promise<HttpAnswer> {
  const cookies = new Map<string, string>();
  let path = commandPath(command, query);
  for (let redirects = 0; ; redirects += 1) {
    let answer: HttpAnswer;
    try {
      answer = await httpsGet(server, path, cookieHeader(cookies));
    } catch (error) {
      throw isUntrustedCertificateError(error) ? await untrustedServerError(error, server) : error;
    }
    if (REDIRECT_STATUSES.has(answer.status)) {
      if (redirects === MAX_REDIRECTS) {
        throw new ProvisionError(
          ProvisionErrorCode.Redirect,
          `${where}: still redirected after ${MAX_REDIRECTS} redirects (a redirect loop?)`,
          {
            httpStatus: answer.status,
          },
        );
      }
      rememberCookies(cookies, answer.headers);
      path = redirectTarget(answer, path, server, where);
      continue;
    }
    if (answer.status < 200 || answer.status > 299) throw statusError(answer, where, server, command);
    if (answer.body.trim() === '') throw new ProvisionError(ProvisionErrorCode.BadResponse, `${where} returned an empty answer`);
    return answer;
  }
}

/**
 * Runs `command` on the management server and returns the JSON document of its "OK:" answer.
 * Throws ProvisionError with a stable code.
 */
export async function runManagementCommand(server: ManagementServer, command: string, query: CommandQuery = {}): Promise<unknown> {
  const resolved = resolveManagementServer(server);
  const where = `${serverOrigin(resolved)}/remote/${command}`;
  const answer = await fetchFollowingRedirects(resolved, command, query, where);
  return parseManagementAnswer(answer, where, (text) => maskSecret(text, resolved.password));
}
