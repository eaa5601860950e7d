import { createHash, randomUUID } from 'node:crypto';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';

/** Who is on the other end of one connection, as the OpenDXL broker names it: by its certificate. */
export interface ClientIdentity {
  /** SHA-1 of the client's leaf certificate, 40 lowercase hex digits: stamped as `sourceClientId`. */
  readonly canonicalId: string;
  /** `<canonicalId>:<uuid>`, new for every connection: the target of routed requests. */
  readonly instanceId: string;
  /** SHA-1 thumbprints of the verified chain, leaf first: the `dxl.certs` other-field. */
  readonly chainThumbprints: readonly string[];
}

function thumbprint(der: Buffer): string {
  return createHash('sha1').update(der).digest('hex');
}

/** The identity of an authorised TLS peer, or undefined when it presented no certificate. */
export function identityOfPeer(socket: TLSSocket): ClientIdentity | undefined {
  const leaf = socket.getPeerCertificate(true);
  if (!leaf || !leaf.raw) return undefined;
  const chain: string[] = [];
  let cert: DetailedPeerCertificate | undefined = leaf;
  while (cert?.raw) {
    const sha1 = thumbprint(cert.raw);
    if (chain.includes(sha1)) break;
    chain.push(sha1);
    // A self-signed root names itself as its issuer.
    cert = cert.issuerCertificate;
  }
  const canonicalId = chain[0];
  return { canonicalId, instanceId: `${canonicalId}:${randomUUID()}`, chainThumbprints: chain };
}
