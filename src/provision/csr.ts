/*
 * The client's key pair and certificate signing request, made on this machine: the private key
 * never leaves it. The RSA key comes from Node's built-in crypto (native and asynchronous, so a
 * Node-RED runtime is not blocked); the CSR is built and signed with node-forge. No openssl binary.
 */
import { generateKeyPair } from 'node:crypto';
import forge from 'node-forge';
import { ProvisionError, ProvisionErrorCode } from './errors';

export const CSR_KEY_BITS = 2048;

/** Optional subject fields, as the official `provisionconfig` offers them. */
export interface CsrSubject {
  country?: string;
  stateOrProvince?: string;
  locality?: string;
  organization?: string;
  organizationalUnit?: string;
  emailAddress?: string;
}

export interface CsrOptions {
  /** The subject's CN: how the client is named on the fabric (e.g. in ePO's certificate list). */
  commonName: string;
  subject?: CsrSubject;
  /** DNS names for a subjectAltName extension. */
  subjectAltNames?: string[];
}

export interface KeyAndCsr {
  /** PKCS#8 PEM, unencrypted. */
  keyPem: string;
  csrPem: string;
}

/** forge's short names for the subject fields above. */
const SUBJECT_FIELDS: ReadonlyArray<[keyof CsrSubject, string]> = [
  ['country', 'C'],
  ['stateOrProvince', 'ST'],
  ['locality', 'L'],
  ['organization', 'O'],
  ['organizationalUnit', 'OU'],
  ['emailAddress', 'E'],
];

/** X.520 upper bound for a common name. */
const MAX_COMMON_NAME = 64;

function invalid(message: string): ProvisionError {
  return new ProvisionError(ProvisionErrorCode.InvalidArgument, message);
}

function subjectAttributes(options: CsrOptions): forge.pki.CertificateField[] {
  const commonName = options.commonName.trim();
  if (commonName === '') throw invalid('The common name (CN) is empty: name this client, e.g. "node-red-tie"');
  if (commonName.length > MAX_COMMON_NAME)
    throw invalid(`The common name is ${commonName.length} characters long; at most ${MAX_COMMON_NAME} are allowed`);
  const attributes: forge.pki.CertificateField[] = [{ name: 'commonName', value: commonName }];
  for (const [field, shortName] of SUBJECT_FIELDS) {
    const value = options.subject?.[field]?.trim();
    if (!value) continue;
    if (field === 'country' && !/^[A-Za-z]{2}$/.test(value))
      throw invalid(`The country must be a two-letter code such as "US", not "${value}"`);
    attributes.push({ shortName, value });
  }
  return attributes;
}

function requestedExtensions(options: CsrOptions): object[] {
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', clientAuth: true },
  ];
  const names = (options.subjectAltNames ?? []).map((name) => name.trim()).filter((name) => name !== '');
  if (names.length > 0) extensions.push({ name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) });
  return extensions;
}

function newKeyPair(): Promise<{ publicKey: string; privateKey: string }> {
  return new Promise((resolve, reject) =>
    generateKeyPair(
      'rsa',
      {
        modulusLength: CSR_KEY_BITS,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      },
      (error, publicKey, privateKey) => (error ? reject(error) : resolve({ publicKey, privateKey })),
    ),
  );
}

/** A new RSA 2048 key and a SHA-256 CSR for it, asking for a client-authentication certificate. */
export async function generateKeyAndCsr(options: CsrOptions): Promise<KeyAndCsr> {
  const subject = subjectAttributes(options);
  const extensions = requestedExtensions(options);
  const { publicKey, privateKey } = await newKeyPair();
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(publicKey);
  csr.setSubject(subject);
  csr.setAttributes([{ name: 'extensionRequest', extensions }]);
  csr.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { keyPem: privateKey, csrPem: forge.pki.certificationRequestToPem(csr) };
}
