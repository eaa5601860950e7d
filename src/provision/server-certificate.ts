import net from 'node:net';
import tls from 'node:tls';
import type { ResolvedManagementServer } from './management-server';

export interface PresentedCertificate {
  /** SHA-256 fingerprint, colon-separated upper-case hex, as browsers show it. */
  fingerprint256: string;
  subject: string;
  issuer: string;
}

const PEEK_TIMEOUT_MS = 5000;

function distinguishedName(fields: tls.Certificate | undefined): string {
  if (!fields) return '';
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}

/**
 * The certificate a server presents, read over a TLS handshake that sends nothing afterwards
 * (no request, no credentials): to tell the user which certificate was refused.
 * Undefined when it cannot be read (no proxy support here: it is only a hint).
 */
export function presentedCertificate(server: ResolvedManagementServer): Promise<PresentedCertificate | undefined> {
  if (server.proxy) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: server.host,
      port: server.port,
      rejectUnauthorized: false,
      ...(net.isIP(server.host) ? {} : { servername: server.host }),
    });
    const done = (result: PresentedCertificate | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(undefined), Math.min(PEEK_TIMEOUT_MS, server.timeoutMs));
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate();
      if (!certificate || !certificate.fingerprint256) return done(undefined);
      done({
        fingerprint256: certificate.fingerprint256,
        subject: distinguishedName(certificate.subject),
        issuer: distinguishedName(certificate.issuer),
      });
    });
    socket.once('error', () => done(undefined));
  });
}
