import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PEM_FILE, readFileSafely } from '../dxl/safe-file';
import { type KeyPairPem, createCertificateAuthority, issueCertificate } from './pki';

/** File names inside the data directory; dxlclient.config refers to them by these relative names. */
export const PkiFileName = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  brokerCert: 'broker.crt',
  brokerKey: 'broker.key',
  clientCert: 'client.crt',
  clientKey: 'client.key',
  simulatorCert: 'tie-simulator.crt',
  simulatorKey: 'tie-simulator.key',
} as const;

export interface FabricPki {
  ca: KeyPairPem;
  broker: KeyPairPem;
  /** The certificate handed to users in dxlclient.config. */
  client: KeyPairPem;
  /** The fabric's own client, which hosts the TIE simulator. */
  simulator: KeyPairPem;
  /** Absolute paths of every file above. */
  files: Record<keyof typeof PkiFileName, string>;
  /** True when this call made a new CA (first run, or the old one was unusable). */
  createdCa: boolean;
}

export interface FabricPkiOptions {
  /** Extra host names or addresses for the broker certificate (loopback is always in). */
  brokerAltNames?: string[];
}

function readPair(dir: string, certName: string, keyName: string): KeyPairPem | undefined {
  const certFile = path.join(dir, certName);
  const keyFile = path.join(dir, keyName);
  if (!fs.existsSync(certFile) || !fs.existsSync(keyFile)) return undefined;
  return { certPem: readFileSafely(certFile, PEM_FILE).toString('utf8'), keyPem: readFileSafely(keyFile, PEM_FILE).toString('utf8') };
}

function writePair(dir: string, certName: string, keyName: string, pair: KeyPairPem): void {
  fs.writeFileSync(path.join(dir, certName), pair.certPem, { mode: 0o644 });
  // Private keys are for the owner only.
  fs.writeFileSync(path.join(dir, keyName), pair.keyPem, { mode: 0o600 });
}

/** Whether a stored certificate is still usable: issued by this CA and not expired. */
function isUsable(pair: KeyPairPem, ca: KeyPairPem): boolean {
  try {
    const cert = new X509Certificate(pair.certPem);
    const issuer = new X509Certificate(ca.certPem);
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey) && new Date(cert.validTo).getTime() > Date.now();
  } catch {
    return false;
  }
}

function isUsableCa(ca: KeyPairPem): boolean {
  try {
    const cert = new X509Certificate(ca.certPem);
    return cert.ca && new Date(cert.validTo).getTime() > Date.now();
  } catch {
    return false;
  }
}

/**
 * The fabric's PKI in `dataDir`: a CA, the broker certificate and two client
 * certificates. Files already there are reused; missing or unusable ones are made
 * (a new CA re-issues everything, since old certificates would no longer chain).
 */
export function loadOrCreateFabricPki(dataDir: string, options: FabricPkiOptions = {}): FabricPki {
  // The folder holds the CA key: keep it private to its owner.
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let ca = readPair(dataDir, PkiFileName.caCert, PkiFileName.caKey);
  const createdCa = !ca || !isUsableCa(ca);
  if (!ca || createdCa) {
    ca = createCertificateAuthority({ commonName: 'node-red-contrib-tie fabric CA' });
    writePair(dataDir, PkiFileName.caCert, PkiFileName.caKey, ca);
  }
  const authority = ca;
  const leaf = (certName: string, keyName: string, make: () => KeyPairPem): KeyPairPem => {
    const existing = createdCa ? undefined : readPair(dataDir, certName, keyName);
    if (existing && isUsable(existing, authority)) return existing;
    const pair = make();
    writePair(dataDir, certName, keyName, pair);
    return pair;
  };
  const broker = leaf(PkiFileName.brokerCert, PkiFileName.brokerKey, () =>
    issueCertificate(authority, { commonName: 'tie-fabric broker', usage: 'server', altNames: options.brokerAltNames ?? [] }),
  );
  const client = leaf(PkiFileName.clientCert, PkiFileName.clientKey, () =>
    issueCertificate(authority, { commonName: 'tie-fabric client', usage: 'client' }),
  );
  const simulator = leaf(PkiFileName.simulatorCert, PkiFileName.simulatorKey, () =>
    issueCertificate(authority, { commonName: 'tie-fabric TIE simulator', usage: 'client' }),
  );
  const files = Object.fromEntries(Object.entries(PkiFileName).map(([key, name]) => [key, path.join(dataDir, name)])) as Record<
    keyof typeof PkiFileName,
    string
  >;
  return { ca, broker, client, simulator, files, createdCa };
}
