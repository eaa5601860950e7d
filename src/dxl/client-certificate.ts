/**
 * What the client can tell about its own certificate without the broker: whether it is within its
 * validity dates. Brokers that refuse an expired certificate often only close the connection (no
 * TLS alert reaches the client), so the client names the expiry itself.
 */
import { X509Certificate } from 'node:crypto';
import { ConnectionCause } from './connection-state';

export const CLIENT_CERT_EXPIRED = 'CLIENT_CERT_EXPIRED';
export const CLIENT_CERT_NOT_YET_VALID = 'CLIENT_CERT_NOT_YET_VALID';

export interface ValidityWindow {
  notBefore: Date;
  notAfter: Date;
}

/** The validity dates of the first certificate of a PEM text; undefined when it cannot be read (TLS will say why). */
export function validityOf(certPem: string | Buffer): ValidityWindow | undefined {
  try {
    const certificate = new X509Certificate(certPem);
    return { notBefore: new Date(certificate.validFrom), notAfter: new Date(certificate.validTo) };
  } catch {
    return undefined;
  }
}

/** Causes that say the broker ended the attempt without saying why, or refused our certificate. */
function brokerRefusedUs(cause: string): boolean {
  return cause === ConnectionCause.BrokerClosed || cause === 'ECONNRESET' || cause === 'EPIPE' || /^ERR_SSL_.*ALERT/.test(cause);
}

/**
 * The reason to give for a failed attempt when our certificate is outside its validity dates and
 * the broker refused us; undefined when the failure is about something else.
 */
export function clientCertificateFailure(
  window: ValidityWindow | undefined,
  failure: { reason: string; cause: string },
  now = new Date(),
): { reason: string; cause: string } | undefined {
  if (window === undefined || !brokerRefusedUs(failure.cause)) return undefined;
  const day = (date: Date): string => date.toISOString().slice(0, 10);
  if (now > window.notAfter) {
    return { reason: `TLS: our client certificate expired on ${day(window.notAfter)}: the broker refuses it`, cause: CLIENT_CERT_EXPIRED };
  }
  if (now < window.notBefore) {
    return {
      reason: `TLS: our client certificate is not valid before ${day(window.notBefore)}: the broker refuses it`,
      cause: CLIENT_CERT_NOT_YET_VALID,
    };
  }
  return undefined;
}
