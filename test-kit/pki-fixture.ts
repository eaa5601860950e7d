import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type KeyPairPem, createCertificateAuthority, issueCertificate } from '../src/fabric/pki';

/** One PKI for the whole test run, written to a temporary folder. */
export interface TestPki {
  dir: string;
  ca: KeyPairPem;
  broker: KeyPairPem;
  client: KeyPairPem;
  /** A CA and client that the brokers do not trust. */
  otherCa: KeyPairPem;
  foreignClient: KeyPairPem;
  /** File paths of the above, PEM. */
  files: {
    caCert: string;
    brokerCert: string;
    brokerKey: string;
    clientCert: string;
    clientKey: string;
    otherCaCert: string;
    foreignClientCert: string;
    foreignClientKey: string;
  };
}

let cached: TestPki | undefined;

export function testPki(): TestPki {
  if (cached) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-test-pki-'));
  const ca = createCertificateAuthority({ commonName: 'Test DXL CA' });
  const broker = issueCertificate(ca, { commonName: 'test-broker', usage: 'server' });
  const client = issueCertificate(ca, { commonName: 'test-client', usage: 'client' });
  const otherCa = createCertificateAuthority({ commonName: 'Untrusted CA' });
  const foreignClient = issueCertificate(otherCa, { commonName: 'foreign-client', usage: 'client' });
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text, { mode: 0o600 });
    return file;
  };
  cached = {
    dir,
    ca,
    broker,
    client,
    otherCa,
    foreignClient,
    files: {
      caCert: write('ca.crt', ca.certPem),
      brokerCert: write('broker.crt', broker.certPem),
      brokerKey: write('broker.key', broker.keyPem),
      clientCert: write('client.crt', client.certPem),
      clientKey: write('client.key', client.keyPem),
      otherCaCert: write('other-ca.crt', otherCa.certPem),
      foreignClientCert: write('foreign-client.crt', foreignClient.certPem),
      foreignClientKey: write('foreign-client.key', foreignClient.keyPem),
    },
  };
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return cached;
}
