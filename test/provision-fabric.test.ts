/**
 * Our provisioning against the embedded fabric's management API, over real HTTPS on loopback:
 * a configuration made this way connects (in memory, as files, over MQTT and WebSockets), the
 * update commands refresh an existing one, and each failure gives its own clear error.
 */
import assert from 'node:assert/strict';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { DxlClient } from '../src/dxl/client';
import { loadDxlConfig } from '../src/dxl/config';
import {
  ManagementCommand,
  type ProvisionedClient,
  ProvisionError,
  ProvisionErrorCode,
  fetchBrokerUpdate,
  generateKeyAndCsr,
  provisionDxlClient,
  provisionedClientOptions,
  runManagementCommand,
  updateConfigFile,
  writeProvisionedConfig,
} from '../src/provision';
import { type ManagementFabric, MANAGEMENT_PASSWORD, connectAndAsk, startManagementFabric } from './support/management-fabric';
import { closeOfficialClient, connectOfficialClientFromConfig } from './support/official-client';
import { testPki } from '../test-kit/pki-fixture';
import { freePort } from '../test-kit/ports';
import { rejectsWith } from './support/rejects-with';

/** A ProvisionError of this code and message, which does not give the password away. */
async function provisionRejects(promise: Promise<unknown>, code: string, message: RegExp): Promise<ProvisionError> {
  const error = await rejectsWith(promise, code, message);
  assert.ok(error instanceof ProvisionError, `a ProvisionError, got ${String(error)}`);
  assert.ok(!error.message.includes(MANAGEMENT_PASSWORD), `the password leaked: ${error.message}`);
  return error;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tie-provision-'));
}

describe('provisioning against the fabric', function () {
  this.timeout(30_000);
  let test: ManagementFabric;
  let provisioned: ProvisionedClient;

  before(async () => {
    test = await startManagementFabric();
    provisioned = await provisionDxlClient(test.server(), { commonName: 'node-red-tie test', subject: { organization: 'Tests' } });
  });
  after(() => test.close());

  describe('a configuration made this way', () => {
    it('holds a certificate the fabric CA signed for our key and CN, and the fabric broker', () => {
      const cert = new X509Certificate(provisioned.certPem);
      const ca = new X509Certificate(test.caPem);
      assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey), 'issued and signed by the fabric CA');
      assert.match(cert.subject, /CN=node-red-tie test/);
      assert.match(cert.subject, /O=Tests/);
      assert.equal(cert.ca, false);
      assert.ok(cert.keyUsage?.includes('1.3.6.1.5.5.7.3.2'), 'client authentication');
      assert.match(provisioned.keyPem, /^-----BEGIN PRIVATE KEY-----/);
      assert.equal(provisioned.caBundlePem.trim(), test.caPem.trim());
      assert.deepEqual(provisioned.brokers, [{ id: test.fabric.brokerId, port: test.fabric.port, hosts: ['127.0.0.1'] }]);
      assert.deepEqual(provisioned.webSocketBrokers, []);
    });

    it('connects our DxlClient with no further settings', async () => {
      assert.equal(await connectAndAsk(provisionedClientOptions(provisioned)), test.fabric.brokerId);
    });

    it('written as files, is read by our config loader and the official client alike, with the key private', async () => {
      const dir = tempDir();
      try {
        const files = writeProvisionedConfig(path.join(dir, 'dxl'), provisioned);
        assert.deepEqual(fs.readdirSync(path.join(dir, 'dxl')).sort(), [
          'ca-bundle.crt',
          'client.crt',
          'client.csr',
          'client.key',
          'dxlclient.config',
        ]);
        assert.equal(fs.statSync(files.key).mode & 0o777, 0o600);
        assert.equal(fs.readFileSync(files.key, 'utf8'), provisioned.keyPem);

        const config = loadDxlConfig(files.config);
        assert.equal(config.useWebSockets, false);
        const ours = DxlClient.fromConfig(config, { probeBrokers: false, logger: { warn: () => undefined } });
        await ours.connect({ timeoutMs: 10_000 });
        await ours.close();
        const official = await connectOfficialClientFromConfig(files.config);
        await closeOfficialClient(official);

        assert.throws(
          () => writeProvisionedConfig(path.join(dir, 'dxl'), provisioned),
          (error: unknown) =>
            error instanceof ProvisionError && error.code === ProvisionErrorCode.Files && /dxlclient\.config/.test(error.message),
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('over WebSockets, when the fabric lists a WebSocket broker', async () => {
      const withWs = await startManagementFabric({ webSocketPort: await freePort() });
      try {
        const client = await provisionDxlClient(withWs.server(), { commonName: 'ws-client' });
        assert.deepEqual(client.webSocketBrokers, [
          { id: withWs.fabric.brokerId, port: withWs.fabric.webSocketPort, hosts: ['127.0.0.1'] },
        ]);
        const options = provisionedClientOptions(client, { webSockets: true });
        assert.equal(options.webSockets, true);
        assert.equal(await connectAndAsk(options), withWs.fabric.brokerId);
      } finally {
        await withWs.close();
      }
    });
  });

  describe('updating an existing configuration', () => {
    it('fetches the CA bundle and broker list, and rewrites only the broker entries and the CA file', async () => {
      const update = await fetchBrokerUpdate(test.server());
      assert.equal(update.caBundlePem.trim(), test.caPem.trim());
      assert.deepEqual(update.brokers, [{ id: test.fabric.brokerId, port: test.fabric.port, hosts: ['127.0.0.1'] }]);
      assert.equal(update.certVersion, 0);

      const dir = tempDir();
      try {
        const stale = {
          ...provisioned,
          caBundlePem: testPki().otherCa.certPem,
          brokers: [{ id: '{old}', port: await freePort(), hosts: ['127.0.0.1'] }],
        };
        const files = writeProvisionedConfig(dir, stale);
        fs.appendFileSync(files.config, '; kept comment\n[Proxy]\nAddress=proxy.example\nPort=3128\n');
        await assert.rejects(connectAndAsk(provisionedClientOptions(stale), 1000), 'the stale config does not connect');

        assert.equal(updateConfigFile(files.config, update), files.caBundle);
        const text = fs.readFileSync(files.config, 'utf8');
        assert.ok(!text.includes('{old}'));
        assert.match(text, /; kept comment\n\[Proxy\]\nAddress=proxy\.example/);
        assert.equal(fs.readFileSync(files.caBundle, 'utf8').trim(), test.caPem.trim());
        const config = loadDxlConfig(files.config);
        assert.deepEqual(config.brokers, update.brokers);
        assert.equal(config.proxy?.address, 'proxy.example');
        assert.equal(await connectAndAsk(provisionedClientOptions({ ...provisioned, ...update })), test.fabric.brokerId);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('each failure, clearly', () => {
    it('a wrong password: PROVISION_UNAUTHORIZED (HTTP 401), naming the user and URL but never the password', async () => {
      const wrong = 'not-' + MANAGEMENT_PASSWORD;
      const error = await provisionRejects(
        provisionDxlClient(test.server({ password: wrong }), { commonName: 'x' }),
        ProvisionErrorCode.Unauthorized,
        /HTTP 401.*user "admin".*wrong user name or password/,
      );
      assert.equal(error.httpStatus, 401);
      assert.ok(error.message.includes(`https://127.0.0.1:${test.management.port}/remote/${ManagementCommand.provision}`));
      assert.ok(!error.message.includes(wrong) && !JSON.stringify(error).includes(wrong));
    });

    it("a malformed CSR: PROVISION_COMMAND_FAILED with the server's reason", async () => {
      const error = await provisionRejects(
        runManagementCommand(test.server(), ManagementCommand.provision, { csrString: 'not a CSR' }),
        ProvisionErrorCode.CommandFailed,
        /failed with status "Error 2": Invalid certificate signing request: csrString is not a PEM/,
      );
      assert.match(error.serverMessage ?? '', /^Invalid certificate signing request/);
    });

    it('a CSR whose signature does not match its key, or with a short key: refused with the reason', async () => {
      const { privateKey } = generateKeyPairSync('rsa', {
        modulusLength: 1024,
        privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      });
      const weakKey = forge.pki.privateKeyFromPem(privateKey);
      const weak = forge.pki.createCertificationRequest();
      weak.publicKey = forge.pki.setRsaPublicKey(weakKey.n, weakKey.e);
      weak.setSubject([{ name: 'commonName', value: 'weak' }]);
      weak.sign(weakKey, forge.md.sha256.create());
      await provisionRejects(
        runManagementCommand(test.server(), ManagementCommand.provision, { csrString: forge.pki.certificationRequestToPem(weak) }),
        ProvisionErrorCode.CommandFailed,
        /at least 2048 bits/,
      );

      // The last byte of the DER is the signature's: flipping it breaks the signature, not the syntax.
      const der = Buffer.from(
        forge.util.encode64(
          forge.asn1
            .toDer(
              forge.pki.certificationRequestToAsn1(
                forge.pki.certificationRequestFromPem((await generateKeyAndCsr({ commonName: 'tampered' })).csrPem),
              ),
            )
            .getBytes(),
        ),
        'base64',
      );
      der[der.length - 1] = der[der.length - 1] ^ 0xff;
      const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE REQUEST-----\n`;
      await provisionRejects(
        runManagementCommand(test.server(), ManagementCommand.provision, { csrString: tampered }),
        ProvisionErrorCode.CommandFailed,
        /not signed by its own key/,
      );
    });

    it('a server certificate that does not chain to the given CA: PROVISION_UNTRUSTED_SERVER with its fingerprint', async () => {
      const brokerCert = new X509Certificate(fs.readFileSync(path.join(test.fabric.dataDir, 'broker.crt')));
      await provisionRejects(
        provisionDxlClient(test.server({ ca: testPki().otherCa.certPem }), { commonName: 'x' }),
        ProvisionErrorCode.UntrustedServer,
        new RegExp(
          `does not verify against the CA certificate\\(s\\) given.*${brokerCert.fingerprint256}.*trust this server without verification`,
        ),
      );
    });

    it('no CA given: verified against public roots, so the fabric is untrusted; trusting it is an explicit option', async () => {
      const withoutCa = { ...test.server() };
      delete withoutCa.ca;
      await provisionRejects(fetchBrokerUpdate(withoutCa), ProvisionErrorCode.UntrustedServer, /public root CAs/);
      const update = await fetchBrokerUpdate({ ...withoutCa, trustUnverifiedServer: true });
      assert.equal(update.brokers[0]?.port, test.fabric.port);
    });

    it('an unknown command: PROVISION_COMMAND_FAILED; nothing listening: PROVISION_UNREACHABLE', async () => {
      await provisionRejects(
        runManagementCommand(test.server(), 'Nope.nothing'),
        ProvisionErrorCode.CommandFailed,
        /Unknown command: Nope\.nothing/,
      );
      await provisionRejects(
        fetchBrokerUpdate(test.server({ port: await freePort() })),
        ProvisionErrorCode.Unreachable,
        /connection refused/,
      );
    });

    it('bad arguments are refused before anything is sent', async () => {
      await provisionRejects(
        provisionDxlClient(test.server(), { commonName: '  ' }),
        ProvisionErrorCode.InvalidArgument,
        /common name \(CN\) is empty/,
      );
      await provisionRejects(
        provisionDxlClient(test.server({ password: '' }), { commonName: 'x' }),
        ProvisionErrorCode.InvalidArgument,
        /password is missing/,
      );
      await provisionRejects(
        fetchBrokerUpdate(test.server({ ca: 'not pem' })),
        ProvisionErrorCode.InvalidArgument,
        /holds no PEM certificate/,
      );
    });
  });
});
