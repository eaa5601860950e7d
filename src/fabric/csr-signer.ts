import { randomBytes } from 'node:crypto';
import forge from 'node-forge';
import type { KeyPairPem } from './pki';

/** Why a certificate signing request was refused; the message is shown to the requester. */
export class CsrRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsrRejected';
  }
}

const MIN_RSA_BITS = 2048;
const MAX_CSR_CHARS = 64 * 1024;
/** Provisioned client certificates last two years, as a short-lived demo PKI should. */
const VALIDITY_MS = 2 * 365 * 24 * 60 * 60 * 1000;
/** Allow for clocks that differ a little. */
const BACKDATE_MS = 60 * 60 * 1000;

function parseRequest(csrPem: string): forge.pki.CertificateSigningRequest {
  if (csrPem.length > MAX_CSR_CHARS) throw new CsrRejected('the certificate signing request is larger than 64 KB');
  if (!/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(csrPem)) {
    throw new CsrRejected('csrString is not a PEM certificate signing request ("-----BEGIN CERTIFICATE REQUEST-----")');
  }
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromPem(csrPem.replace(/NEW CERTIFICATE REQUEST/g, 'CERTIFICATE REQUEST'));
  } catch (error) {
    const reason = (error as Error).message;
    throw new CsrRejected(
      /not RSA/i.test(reason) ? 'only RSA keys are supported' : `the certificate signing request cannot be read (${reason})`,
    );
  }
  let signed: boolean;
  try {
    signed = csr.verify();
  } catch {
    // forge throws rather than answering false when the signature does not decrypt.
    signed = false;
  }
  if (!signed) throw new CsrRejected('the certificate signing request is not signed by its own key');
  const key = csr.publicKey as forge.pki.rsa.PublicKey | null;
  if (!key || key.n.bitLength() < MIN_RSA_BITS) throw new CsrRejected(`the RSA key must have at least ${MIN_RSA_BITS} bits`);
  if (!csr.subject.getField('CN')) throw new CsrRejected('the subject has no common name (CN)');
  return csr;
}

export interface SignedClient {
  certPem: string;
  /** The subject's common name, for logs. */
  commonName: string;
}

/**
 * Signs a client's certificate signing request with the fabric's CA: a client-authentication
 * certificate for the requested subject and key. Extensions the request asks for are not copied:
 * the CA decides what a client certificate may do. Throws CsrRejected with the reason.
 */
export function signClientRequest(ca: KeyPairPem, csrPem: string, now = new Date()): SignedClient {
  const csr = parseRequest(csrPem);
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = csr.publicKey as forge.pki.PublicKey;
  const serial = randomBytes(16);
  serial[0] = serial[0] & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  cert.validity.notAfter = new Date(now.getTime() + VALIDITY_MS);
  cert.setSubject(csr.subject.attributes);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  const commonName = (csr.subject.getField('CN') as { value?: unknown }).value;
  return { certPem: forge.pki.certificateToPem(cert), commonName: String(commonName) };
}
