import type { ProxySettings } from '../dxl/config';
import { DEFAULT_MANAGEMENT_PORT, PORT, readNumber } from '../dxl/numbers';
import { ProvisionError, ProvisionErrorCode } from './errors';

export const DEFAULT_MANAGEMENT_TIMEOUT_MS = 30_000;

/**
 * Where and how to reach ePO or an OpenDXL broker's management console.
 *
 * The server's certificate is always verified unless `trustUnverifiedServer` is set:
 * against `ca` when given (host name not checked: management and broker certificates rarely
 * match host names), otherwise against Node's public root CAs with the host name checked.
 */
export interface ManagementServer {
  host: string;
  /** Default 8443. */
  port?: number;
  user: string;
  password: string;
  /** PEM CA certificate(s) that the server's certificate must chain to. */
  ca?: string | Buffer;
  /** Accept any server certificate. Only as an explicit, visible choice of the user. */
  trustUnverifiedServer?: boolean;
  /** For each HTTP request. Default 30 s. */
  timeoutMs?: number;
  /** An HTTP CONNECT proxy to go through. */
  proxy?: ProxySettings;
}

/** The checked settings, with defaults filled in. */
export interface ResolvedManagementServer extends ManagementServer {
  port: number;
  timeoutMs: number;
}

function invalid(message: string): ProvisionError {
  return new ProvisionError(ProvisionErrorCode.InvalidArgument, message);
}

export function resolveManagementServer(server: ManagementServer): ResolvedManagementServer {
  const host = typeof server.host === 'string' ? server.host.trim() : '';
  if (host === '' || /[/\s@?#]/.test(host)) throw invalid('The management server host is missing or not a host name or address');
  const port = readNumber(server.port ?? DEFAULT_MANAGEMENT_PORT, PORT);
  if (port === undefined) throw invalid(`The management server port ${String(server.port)} is not a port (1-65535)`);
  if (typeof server.user !== 'string' || server.user === '') throw invalid('The management server user is missing');
  if (typeof server.password !== 'string' || server.password === '') throw invalid('The management server password is missing');
  if (server.user.includes(':')) throw invalid('The management server user name cannot contain ":"');
  const hasCa = server.ca !== undefined && String(server.ca).trim() !== '';
  if (hasCa && !/-----BEGIN CERTIFICATE-----/.test(String(server.ca))) {
    throw invalid('The CA for verifying the management server holds no PEM certificate ("-----BEGIN CERTIFICATE-----")');
  }
  const timeoutMs = server.timeoutMs ?? DEFAULT_MANAGEMENT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw invalid('The management server timeout must be a positive number of milliseconds');
  const resolved: ResolvedManagementServer = { ...server, host, port, timeoutMs };
  if (!hasCa) delete resolved.ca;
  return resolved;
}

/** `https://host:port`, as messages name the server: no user, no password. */
export function serverOrigin(server: { host: string; port: number }): string {
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  return `https://${host}:${server.port}`;
}
