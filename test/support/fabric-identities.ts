/**
 * More client identities for one embedded fabric: certificates its CA signs, written as PEM
 * files an official client can be given, with the SHA-1 a topic policy names them by.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RunningFabric } from '../../src/fabric';
import { certificateSha1, issueCertificate } from '../../src/fabric/pki';
import { PkiFileName } from '../../src/fabric/pki-store';
import type { OfficialClientFiles } from './official-client';

export interface FabricIdentity extends OfficialClientFiles {
  /** SHA-1 thumbprint of the client certificate. */
  sha1: string;
}

/** A new client certificate of the fabric's CA, its files in `dir`. */
export function issueFabricIdentity(fabric: RunningFabric, name: string, dir: string): FabricIdentity {
  const ca = {
    certPem: fs.readFileSync(fabric.files.caCert, 'utf8'),
    keyPem: fs.readFileSync(path.join(fabric.dataDir, PkiFileName.caKey), 'utf8'),
  };
  const pair = issueCertificate(ca, { commonName: name, usage: 'client' });
  const certFile = path.join(dir, `${name}.crt`);
  const keyFile = path.join(dir, `${name}.key`);
  fs.writeFileSync(certFile, pair.certPem);
  fs.writeFileSync(keyFile, pair.keyPem, { mode: 0o600 });
  return { caFile: fabric.files.caCert, certFile, keyFile, sha1: certificateSha1(pair.certPem) };
}

/** The fabric's own identities: the client certificate of its dxlclient.config and the simulator's. */
export function fabricIdentities(fabric: RunningFabric): { client: FabricIdentity; simulator: FabricIdentity } {
  const identity = (certName: string, keyName: string): FabricIdentity => {
    const certFile = path.join(fabric.dataDir, certName);
    return {
      caFile: fabric.files.caCert,
      certFile,
      keyFile: path.join(fabric.dataDir, keyName),
      sha1: certificateSha1(fs.readFileSync(certFile, 'utf8')),
    };
  };
  return {
    client: identity(PkiFileName.clientCert, PkiFileName.clientKey),
    simulator: identity(PkiFileName.simulatorCert, PkiFileName.simulatorKey),
  };
}
