/**
 * The probe behind the fabric's error when its own client cannot trust its broker: it names the
 * certificate presented at an address, without trusting it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunningFabric, startFabric } from '../src/fabric';
import { PkiFileName } from '../src/fabric/pki-store';
import { certificateSha1 } from '../src/fabric/pki';
import { presentedCertificateSha1 } from '../src/fabric/presented-certificate';
import { freePort } from '../test-kit/ports';

describe('fabric: the certificate presented at an address', () => {
  let fabric: RunningFabric;
  let dataDir: string;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-presented-'));
    fabric = await startFabric({ port: 0, dataDir, simulator: false });
  });
  after(async () => {
    await fabric.close();
  });

  it("is the fabric's broker certificate at the fabric's port, though no CA is given", async () => {
    const broker = certificateSha1(fs.readFileSync(path.join(dataDir, PkiFileName.brokerCert), 'utf8'));
    assert.equal(await presentedCertificateSha1({ host: fabric.host, port: fabric.port }), broker);
  });

  it('is none where nothing listens', async () => {
    assert.equal(await presentedCertificateSha1({ host: '127.0.0.1', port: await freePort() }), undefined);
  });
});
