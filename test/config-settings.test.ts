import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DxlError } from '../src/dxl/errors';
import { buildClientOptions, buildTieOptions, brokersFromSettings } from '../nodes/tie-config/client-options';
import { importDxlConfig } from '../nodes/tie-config/config-import';
import { testPki } from '../test-kit/pki-fixture';

function configError(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof DxlError, String(error));
    assert.equal(error.code, 'DXL_CONFIG');
    assert.match(error.message, pattern);
    return true;
  });
}

describe('config: tie-config settings → client options', () => {
  const pki = testPki();
  const credentials = { caPem: pki.ca.certPem, certPem: pki.client.certPem, keyPem: pki.client.keyPem };

  it('builds MQTT/TLS options from the form and PEM credentials', () => {
    const options = buildClientOptions(
      {
        brokers: [
          { host: 'dxl1;10.0.0.5', port: '8883', id: '{b1}' },
          { host: 'dxl2', port: 8883 },
        ],
        requestTimeout: '2.5',
        clientId: ' me ',
        protocolVersion: '3',
      },
      credentials,
    );
    assert.deepEqual(options.brokers, [
      { port: 8883, hosts: ['dxl1', '10.0.0.5'], id: '{b1}' },
      { port: 8883, hosts: ['dxl2'] },
    ]);
    assert.equal(options.ca, pki.ca.certPem.trim());
    assert.equal(options.webSockets, false);
    assert.equal(options.requestTimeoutMs, 2500);
    assert.equal(options.clientId, 'me');
    assert.equal(options.protocolVersion, 3);
    assert.equal(options.checkHostName, false);
    assert.equal(options.proxy, undefined);
  });

  it('takes the keepalive in whole seconds (default 60) and refuses one MQTT cannot carry', () => {
    const brokers = [{ host: 'h', port: 1 }];
    assert.equal(buildClientOptions({ brokers }, credentials).keepaliveSec, 60);
    assert.equal(buildClientOptions({ brokers, keepalive: '' }, credentials).keepaliveSec, 60);
    assert.equal(buildClientOptions({ brokers, keepalive: '1800' }, credentials).keepaliveSec, 1800);
    assert.equal(buildClientOptions({ brokers, keepalive: 5 }, credentials).keepaliveSec, 5);
    for (const keepalive of [0, -1, 1.5, '2.5', 65_536, 'soon']) {
      configError(
        () => buildClientOptions({ brokers, keepalive }, credentials),
        /keepalive \(seconds\) .* is not a whole number from 1 to 65535/,
      );
    }
  });

  it('uses a proxy only over WebSockets, with its user from the credentials', () => {
    const settings = { brokers: [{ host: 'dxl', port: 443 }], transport: 'websockets' as const, proxyHost: 'proxy', proxyPort: '3128' };
    const options = buildClientOptions(settings, { ...credentials, proxyUser: 'u', proxyPassword: 'p' });
    assert.equal(options.webSockets, true);
    assert.deepEqual(options.proxy, { address: 'proxy', port: 3128, user: 'u', password: 'p' });
    assert.equal(buildClientOptions({ ...settings, transport: 'mqtt' }, credentials).proxy, undefined);
  });

  it('reads PEM files from server paths, naming a missing one but never echoing contents', () => {
    const options = buildClientOptions(
      {
        brokers: [{ host: 'h', port: 1 }],
        tlsSource: 'files',
        caFile: pki.files.caCert,
        certFile: pki.files.clientCert,
        keyFile: pki.files.clientKey,
      },
      {},
    );
    assert.equal(options.key.toString(), pki.client.keyPem);
    configError(
      () =>
        buildClientOptions(
          { brokers: [{ host: 'h', port: 1 }], tlsSource: 'files', caFile: '/nonexistent/ca.pem', certFile: 'x', keyFile: 'y' },
          {},
        ),
      /CA bundle file \/nonexistent\/ca\.pem: file not found/,
    );
  });

  it('reads everything from a dxlclient.config on the server in file mode', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-flow-config-'));
    const file = path.join(dir, 'dxlclient.config');
    fs.writeFileSync(
      file,
      `[Certs]\nBrokerCertChain=${pki.files.caCert}\nCertFile=${pki.files.clientCert}\nPrivateKey=${pki.files.clientKey}\n\n[Brokers]\n{b}={b};8883;dxl-host\n\n[General]\nClientId=from-file\n`,
    );
    const options = buildClientOptions({ source: 'file', configFile: file }, {});
    assert.deepEqual(options.brokers, [{ id: '{b}', port: 8883, hosts: ['dxl-host'] }]);
    assert.equal(options.clientId, 'from-file');
    assert.equal(options.cert.toString(), pki.client.certPem);
    assert.equal(buildClientOptions({ source: 'file', configFile: file, clientId: 'mine' }, {}).clientId, 'mine');
    configError(() => buildClientOptions({ source: 'file', configFile: '' }, {}), /No dxlclient\.config path/);
  });

  it('refuses missing brokers, bad ports and missing or non-PEM TLS material with what to fix', () => {
    configError(() => brokersFromSettings([]), /No brokers/);
    configError(() => brokersFromSettings([{ host: ' ', port: 1 }]), /broker 1: no host/);
    configError(() => brokersFromSettings([{ host: 'h', port: 'x' }]), /broker 1: port "x" is not a whole number from 1 to 65535/);
    configError(
      () => buildClientOptions({ brokers: [{ host: 'h', port: 1 }] }, { caPem: pki.ca.certPem }),
      /missing: paste or upload the client certificate, private key/,
    );
    configError(
      () => buildClientOptions({ brokers: [{ host: 'h', port: 1 }] }, { ...credentials, keyPem: 'secret-but-not-pem' }),
      /private key is not PEM/,
    );
    configError(
      () => buildClientOptions({ brokers: [{ host: 'h', port: 1 }] }, { ...credentials, certPem: pki.client.keyPem }),
      /client certificate holds no certificate/,
    );
    configError(
      () =>
        buildClientOptions(
          { brokers: [{ host: 'h', port: 1 }] },
          { ...credentials, keyPem: '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----' },
        ),
      /private key is encrypted/,
    );
    assert.throws(
      () => buildClientOptions({ brokers: [{ host: 'h', port: 1 }] }, { ...credentials, keyPem: 'secret-but-not-pem' }),
      (error: Error) => !error.message.includes('secret-but-not-pem'),
    );
  });

  it('turns the cache on with its TTL only when asked', () => {
    assert.deepEqual(buildTieOptions({}), { cache: false });
    assert.deepEqual(buildTieOptions({ cache: true, cacheTtl: '60' }), { cache: { ttlMs: 60000 } });
    assert.deepEqual(buildTieOptions({ cache: true }), { cache: { ttlMs: 300000 } });
  });
});

describe('config: dxlclient.config import', () => {
  const pki = testPki();
  const config = [
    '[General]',
    'ClientId={client-1}',
    'UseWebSockets=false',
    '[Certs]',
    'BrokerCertChain=C:\\dxl\\ca-bundle.crt',
    'CertFile=/etc/dxl/client.crt',
    'PrivateKey=client.key',
    '[Brokers]',
    '{b1}={b1};8883;dxl1.corp;10.0.0.5',
    '{b2}={b2};8883;dxl2.corp',
    '[BrokersWebSockets]',
    '{b1}={b1};443;dxl1.corp',
  ].join('\n');

  it('maps brokers, client id and the uploaded PEM files by base name', () => {
    const result = importDxlConfig({
      config,
      files: { 'ca-bundle.crt': pki.ca.certPem, 'client.crt': pki.client.certPem, 'client.key': pki.client.keyPem },
    });
    assert.deepEqual(result.brokers, [
      { host: 'dxl1.corp;10.0.0.5', port: 8883, id: '{b1}' },
      { host: 'dxl2.corp', port: 8883, id: '{b2}' },
    ]);
    assert.equal(result.transport, 'mqtt');
    assert.equal(result.clientId, '{client-1}');
    assert.deepEqual(result.ca, { file: 'ca-bundle.crt', pem: pki.ca.certPem });
    assert.equal(result.key.pem, pki.client.keyPem);
    assert.deepEqual(result.missing, []);
  });

  it('lists the files still to upload and never reads them from the server', () => {
    const onServer = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tie-import-')), 'client.key');
    fs.writeFileSync(onServer, pki.client.keyPem);
    const result = importDxlConfig({ config: config.replace('PrivateKey=client.key', `PrivateKey=${onServer}`) });
    assert.deepEqual(result.missing, ['ca-bundle.crt', 'client.crt', 'client.key']);
    assert.equal(result.key.pem, undefined);
    assert.ok(!JSON.stringify(result).includes('PRIVATE KEY'));
    assert.ok(!JSON.stringify(result).includes(path.dirname(onServer)), 'no server path in the answer');
  });

  it('refuses what is not a dxlclient.config or a PEM file', () => {
    configError(() => importDxlConfig({ config: '' }), /empty/);
    configError(() => importDxlConfig({ config: 'hello' }), /neither a \[Section\] nor a key=value line/);
    configError(() => importDxlConfig({ config, files: { 'client.key': 'not a key' } }), /private key is not PEM/);
    configError(() => importDxlConfig(null), /expected \{config, files\}/);
  });
});
