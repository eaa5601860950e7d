/*
 * One HTTPS GET to a management server, with its TLS policy: verified against the given CA
 * (host name unchecked), against public roots (host name checked), or, only when the caller
 * says so, not verified. Credentials travel in the Authorization header, never in a URL.
 */
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import tls from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { ProxySettings } from '../dxl/config';
import { ProvisionError, ProvisionErrorCode } from './errors';
import { type ResolvedManagementServer, serverOrigin } from './management-server';

/** Bigger answers are not management answers. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface HttpAnswer {
  status: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** OpenSSL verification failures: the server's certificate is not one we trust. */
const UNTRUSTED_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'CERT_CHAIN_TOO_LONG',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function isUntrustedCertificateError(error: unknown): boolean {
  return UNTRUSTED_CODES.has(String((error as NodeJS.ErrnoException | undefined)?.code));
}

export function tlsPolicy(server: ResolvedManagementServer): tls.ConnectionOptions {
  if (server.trustUnverifiedServer) return { rejectUnauthorized: false };
  if (server.ca !== undefined) return { rejectUnauthorized: true, ca: server.ca, checkServerIdentity: () => undefined };
  return { rejectUnauthorized: true };
}

function proxyAgent(proxy: ProxySettings): HttpsProxyAgent<string> {
  const credentials = proxy.user === undefined ? '' : `${encodeURIComponent(proxy.user)}:${encodeURIComponent(proxy.password ?? '')}@`;
  return new HttpsProxyAgent(`http://${credentials}${proxy.address}:${proxy.port}`);
}

function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

function connectionError(error: unknown, where: string, timeoutMs: number): ProvisionError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ETIMEOUT_PROVISION') {
    return new ProvisionError(ProvisionErrorCode.Unreachable, `${where}: no answer within ${timeoutMs} ms`, { cause: error });
  }
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused (is the host and port right, and the server running?)'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'host name not found'
        : (error as Error).message;
  return new ProvisionError(ProvisionErrorCode.Unreachable, `${where}: ${reason}`, { cause: error });
}

/** GET `path` (which starts with "/") on the management server. Non-2xx statuses are answers, not errors. */
export function httpsGet(server: ResolvedManagementServer, path: string, headers: Record<string, string>): Promise<HttpAnswer> {
  const where = `${serverOrigin(server)}${path.split('?')[0]}`;
  return new Promise((resolve, reject) => {
    const request = https.request({
      method: 'GET',
      host: server.host,
      port: server.port,
      path,
      headers: { ...headers, Authorization: basicAuthorization(server.user, server.password), Accept: 'application/json, text/plain' },
      agent: server.proxy ? proxyAgent(server.proxy) : false,
      ...tlsPolicy(server),
    });
    const timer = setTimeout(() => {
      const error: NodeJS.ErrnoException = new Error('timeout');
      error.code = 'ETIMEOUT_PROVISION';
      request.destroy(error);
    }, server.timeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      reject(
        error instanceof ProvisionError
          ? error
          : isUntrustedCertificateError(error)
            ? error
            : connectionError(error, where, server.timeoutMs),
      );
    };
    request.on('error', fail);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          response.destroy();
          fail(
            new ProvisionError(ProvisionErrorCode.BadResponse, `${where}: the answer is larger than ${MAX_BODY_BYTES / (1024 * 1024)} MiB`),
          );
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', fail);
      response.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: response.statusCode ?? 0,
          statusMessage: response.statusMessage ?? '',
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    request.end();
  });
}
