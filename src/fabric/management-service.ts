/*
 * The fabric's management service: the provisioning commands of ePO / the OpenDXL console over
 * HTTPS (GET /remote/<command>?...), behind HTTP basic authentication with one user and password.
 * Answers are framed as the real service frames them: "OK:" and a JSON document, or "Error <n>:"
 * and a reason.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { logValue } from './log-text';
import { type ManagementContext, answerManagementCommand } from './management-commands';

export const DEFAULT_MANAGEMENT_USER = 'admin';
const REMOTE_PREFIX = '/remote/';
const MAX_URL_CHARS = 128 * 1024;

export interface ManagementServiceOptions extends ManagementContext {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The server's certificate and key (PEM). */
  tls: { cert: string; key: string };
  user: string;
  password: string;
}

export interface RunningManagementService {
  readonly port: number;
  close(): Promise<void>;
}

/** A password for the session: 18 random bytes, URL-safe base64 (24 characters). */
export function randomManagementPassword(): string {
  return randomBytes(18).toString('base64url');
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Compares digests in constant time, so neither the length nor a prefix of the secret leaks. */
function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function send(response: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  response.end(body);
}

function handle(options: ManagementServiceOptions, request: http.IncomingMessage, response: http.ServerResponse): void {
  const url = request.url ?? '/';
  if (url.length > MAX_URL_CHARS) return send(response, 414, 'URI Too Long');
  if (request.method !== 'GET') return send(response, 405, 'Method Not Allowed', { Allow: 'GET' });
  const parsed = new URL(url, 'https://management.invalid');
  if (!parsed.pathname.startsWith(REMOTE_PREFIX)) return send(response, 404, 'Not Found');

  const credentials = basicCredentials(request.headers.authorization);
  const userOk = credentials !== undefined && sameSecret(credentials.user, options.user);
  const passwordOk = credentials !== undefined && sameSecret(credentials.password, options.password);
  if (!userOk || !passwordOk) {
    options.log(`management: refused ${credentials ? `user "${logValue(credentials.user)}"` : 'a request without credentials'} (HTTP 401)`);
    return send(response, 401, 'Unauthorized', { 'WWW-Authenticate': 'Basic realm="tie-fabric management"' });
  }

  const command = decodeURIComponent(parsed.pathname.slice(REMOTE_PREFIX.length));
  let answer;
  try {
    answer = answerManagementCommand(command, parsed.searchParams, options);
  } catch (error) {
    options.log(`management: ${logValue(command)} failed: ${logValue((error as Error).message)}`);
    return send(response, 500, 'Internal Server Error');
  }
  if (answer.ok) send(response, 200, `OK:\r\n${JSON.stringify(answer.detail)}\r\n`);
  else send(response, 200, `Error ${answer.errorNumber}:\r\n${answer.message}\r\n`);
}

export function startManagementService(options: ManagementServiceOptions): Promise<RunningManagementService> {
  const server = https.createServer({ cert: options.tls.cert, key: options.tls.key }, (request, response) => {
    try {
      handle(options, request, response);
    } catch (error) {
      // A malformed URL (bad percent-encoding) and the like.
      send(response, 400, 'Bad Request');
      options.log(`management: bad request: ${logValue((error as Error).message)}`);
    }
  });
  server.on('tlsClientError', (error) => options.log(`management: TLS handshake failed: ${logValue(error.message)}`));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      let closing: Promise<void> | undefined;
      resolve({
        port,
        close: () =>
          (closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          })),
      });
    });
  });
}
