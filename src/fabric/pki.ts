import { X509Certificate, generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/*
 * A throwaway PKI for the embedded fabric and the tests: a CA, broker and client
 * certificates. Keys come from Node's native RSA generator (fast); certificates
 * are built and signed with node-forge (pure JS, so it works on every platform).
 */

export interface KeyPairPem {
  certPem: string;
  keyPem: string;
}

export interface CertificateOptions {
  commonName: string;
  /** Defaults: one hour ago. */
  notBefore?: Date;
  /** Defaults: ten years after notBefore. */
  notAfter?: Date;
}

export interface LeafOptions extends CertificateOptions {
  /** 'server' adds serverAuth and loopback subject alt names; 'client' adds clientAuth. */
  usage: 'server' | 'client';
  /** Extra DNS names or IP addresses for a server certificate. */
  altNames?: string[];
}

function newRsaKey(): forge.pki.rsa.PrivateKey {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return forge.pki.privateKeyFromPem(privateKey);
}

function baseCertificate(key: forge.pki.rsa.PrivateKey, options: CertificateOptions): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  // Positive serial: clear the top bit of a random 16-byte number.
  const serial = randomBytes(16);
  serial[0] = serial[0] & 0x7f;
  cert.serialNumber = serial.toString('hex');
  const notBefore = options.notBefore ?? new Date(Date.now() - 60 * 60 * 1000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = options.notAfter ?? new Date(notBefore.getTime() + 10 * 365 * 24 * 60 * 60 * 1000);
  cert.setSubject([{ name: 'commonName', value: options.commonName }]);
  return cert;
}

function toPem(cert: forge.pki.Certificate, key: forge.pki.rsa.PrivateKey): KeyPairPem {
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(key) };
}

export function createCertificateAuthority(options: CertificateOptions): KeyPairPem {
  const key = newRsaKey();
  const cert = baseCertificate(key, options);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return toPem(cert, key);
}

function isIpAddress(name: string): boolean {
  return /^[0-9.]+$/.test(name) || name.includes(':');
}

export function issueCertificate(ca: KeyPairPem, options: LeafOptions): KeyPairPem {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const key = newRsaKey();
  const cert = baseCertificate(key, options);
  cert.setIssuer(caCert.subject.attributes);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: options.usage === 'server', clientAuth: options.usage === 'client' },
    { name: 'subjectKeyIdentifier' },
  ];
  if (options.usage === 'server') {
    const names = ['localhost', '127.0.0.1', '::1', ...(options.altNames ?? [])];
    extensions.push({
      name: 'subjectAltName',
      altNames: names.map((name) => (isIpAddress(name) ? { type: 7, ip: name } : { type: 2, value: name })),
    });
  }
  cert.setExtensions(extensions);
  cert.sign(caKey, forge.md.sha256.create());
  return toPem(cert, key);
}

/** SHA-1 thumbprint of a PEM certificate: 40 lowercase hex digits, as the DXL broker stamps it. */
export function certificateSha1(certPem: string): string {
  return new X509Certificate(certPem).fingerprint.replace(/:/g, '').toLowerCase();
}
