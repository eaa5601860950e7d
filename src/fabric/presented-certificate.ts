/**
 * Which certificate a TLS server presents at an address, without trusting it: for an error that has
 * to say who answered when the fabric's own client could not trust its broker.
 */
import tls from 'node:tls';

const PROBE_TIMEOUT_MS = 2000;

/** The SHA-1 fingerprint (lowercase hex) of the certificate presented at `address`, or undefined when none came. */
export function presentedCertificateSha1(address: { host: string; port: number }): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: address.host, port: address.port, rejectUnauthorized: false });
    const done = (sha1: string | undefined): void => {
      socket.destroy();
      resolve(sha1);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.once('secureConnect', () => {
      const fingerprint = socket.getPeerCertificate().fingerprint;
      done(typeof fingerprint === 'string' && fingerprint !== '' ? fingerprint.replace(/:/g, '').toLowerCase() : undefined);
    });
  });
}
