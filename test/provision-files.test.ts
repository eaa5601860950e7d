/**
 * The local halves of provisioning: the key and CSR made here (RSA 2048, SHA-256, a client-auth
 * request, the subject asked for) and the dxlclient.config text written and updated.
 */
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import forge from 'node-forge';
import { parseDxlConfig } from '../src/dxl/config';
import { ProvisionError, configFilePaths, formatProvisionedConfig, generateKeyAndCsr } from '../src/provision';
import { replaceSectionEntries } from '../src/provision/config-files';

describe('provisioning: key, CSR and config text', function () {
  this.timeout(20_000);

  it('makes an RSA 2048 key and a SHA-256 CSR for it, with the subject and client-auth extensions asked for', async () => {
    const { keyPem, csrPem } = await generateKeyAndCsr({
      commonName: ' flows-01 ',
      subject: { country: 'DE', organization: 'Acme', organizationalUnit: 'SecOps', emailAddress: 'ops@acme.example' },
      subjectAltNames: ['flows-01.acme.example'],
    });
    const key = createPrivateKey(keyPem);
    assert.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
    const csr = forge.pki.certificationRequestFromPem(csrPem);
    assert.ok(csr.verify(), 'self-signed by the key');
    assert.equal(forge.pki.oids[csr.signatureOid!], 'sha256WithRSAEncryption');
    assert.equal(
      createPublicKey(forge.pki.publicKeyToPem(csr.publicKey!)).export({ type: 'spki', format: 'pem' }),
      createPublicKey(key).export({ type: 'spki', format: 'pem' }),
    );
    const subject = Object.fromEntries(csr.subject.attributes.map((a) => [String(a.shortName ?? a.name), a.value as unknown]));
    assert.deepEqual(subject, { CN: 'flows-01', C: 'DE', O: 'Acme', OU: 'SecOps', E: 'ops@acme.example' });
    const requested = (csr.getAttribute({ name: 'extensionRequest' }) as { extensions: Array<Record<string, unknown>> }).extensions;
    const byName = Object.fromEntries(requested.map((e) => [e.name as string, e]));
    assert.equal(byName.basicConstraints?.cA, false);
    assert.equal(byName.extKeyUsage?.clientAuth, true);
    assert.deepEqual(
      (byName.subjectAltName?.altNames as Array<{ value: string }>).map((n) => n.value),
      ['flows-01.acme.example'],
    );
  });

  it('refuses a bad country code or an overlong common name before making a key', async () => {
    await assert.rejects(
      generateKeyAndCsr({ commonName: 'x', subject: { country: 'Germany' } }),
      (e: unknown) => e instanceof ProvisionError && /two-letter code/.test(e.message),
    );
    await assert.rejects(
      generateKeyAndCsr({ commonName: 'x'.repeat(65) }),
      (e: unknown) => e instanceof ProvisionError && /at most 64/.test(e.message),
    );
  });

  it('formats a dxlclient.config the clients read: commented UseWebSockets, relative file names, every broker', () => {
    const files = configFilePaths('/etc/dxl', 'node-red');
    const brokers = [
      { id: '{a}', port: 8883, hosts: ['dxl1.corp', '10.0.0.1'] },
      { port: 8993, hosts: ['dxl2.corp'] },
    ];
    const text = formatProvisionedConfig({ brokers, webSocketBrokers: [{ id: '{a}', port: 443, hosts: ['dxl1.corp'] }] }, files);
    assert.match(text, /^\[General\]\n#UseWebSockets=false\n/);
    assert.match(text, /\nBrokerCertChain=ca-bundle\.crt\nCertFile=node-red\.crt\nPrivateKey=node-red\.key\n/);
    const config = parseDxlConfig(text, '/etc/dxl');
    assert.deepEqual(config.brokers, brokers);
    assert.equal(config.privateKey, '/etc/dxl/node-red.key');
    assert.equal(config.useWebSockets, false);
    assert.equal(
      parseDxlConfig(formatProvisionedConfig({ brokers, webSocketBrokers: [{ port: 443, hosts: ['w'] }] }, files, true), '/x')
        .useWebSockets,
      true,
    );
    assert.throws(() => configFilePaths('/etc/dxl', '../evil'), /plain file name/);
  });

  it("replaces a section's entries, keeping comments, other sections and CRLF line ends; adds a missing section", () => {
    const text = '[Certs]\r\nCertFile=c.crt\r\n\r\n[Brokers]\r\n# production\r\nold=old;1;gone\r\n\r\n[Proxy]\r\nAddress=p\r\n';
    assert.equal(
      replaceSectionEntries(text, 'Brokers', ['{n}={n};8883;new']),
      '[Certs]\r\nCertFile=c.crt\r\n\r\n[Brokers]\r\n{n}={n};8883;new\r\n# production\r\n\r\n[Proxy]\r\nAddress=p\r\n',
    );
    assert.equal(
      replaceSectionEntries('[Certs]\nA=b\n', 'BrokersWebSockets', ['w=w;443;h']),
      '[Certs]\nA=b\n\n[BrokersWebSockets]\nw=w;443;h\n',
    );
    assert.equal(replaceSectionEntries('[Certs]\nA=b\n', 'BrokersWebSockets', []), '[Certs]\nA=b\n');
  });
});
