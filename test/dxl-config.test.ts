import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDxlConfig, parseBrokerLine, parseDxlConfig } from '../src/dxl/config';
import { readTlsFile } from '../src/dxl/config-options';
import { DxlErrorCode } from '../src/dxl/errors';
import { resolveUserPath } from '../src/dxl/home-path';

const GOOD = `
; a comment
# another comment
[General]
ClientId={0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d}
UseWebSockets=false

[Certs]
BrokerCertChain=ca-bundle.crt
CertFile=client.crt
PrivateKey=/abs/client.key

[Brokers]
{guid1}={guid1};8883;broker1.example.com;10.0.0.1
local=8883;localhost
v6=v6;8993;[::1]

[BrokersWebSockets]
{guid1}={guid1};443;broker1.example.com;10.0.0.1

[Proxy]
Address=proxy.example.com
Port=3128
User=me
Password=se;cr#et
`;

function expectConfigError(run: () => unknown, ...fragments: string[]): void {
  assert.throws(run, (error: Error & { code?: string }) => {
    assert.equal(error.code, DxlErrorCode.Config);
    for (const fragment of fragments) assert.ok(error.message.includes(fragment), `"${error.message}" lacks "${fragment}"`);
    return true;
  });
}

describe('dxlclient.config', () => {
  it('reads every section, resolving relative certificate paths against the config folder', () => {
    const config = parseDxlConfig(GOOD, '/etc/dxl');
    assert.equal(config.brokerCertChain, '/etc/dxl/ca-bundle.crt');
    assert.equal(config.certFile, '/etc/dxl/client.crt');
    assert.equal(config.privateKey, '/abs/client.key');
    assert.equal(config.clientId, '{0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d}');
    assert.equal(config.useWebSockets, false);
    assert.deepEqual(config.brokers, [
      { id: '{guid1}', port: 8883, hosts: ['broker1.example.com', '10.0.0.1'] },
      { port: 8883, hosts: ['localhost'] },
      { id: 'v6', port: 8993, hosts: ['::1'] },
    ]);
    assert.deepEqual(config.webSocketBrokers, [{ id: '{guid1}', port: 443, hosts: ['broker1.example.com', '10.0.0.1'] }]);
    assert.deepEqual(config.proxy, { address: 'proxy.example.com', port: 3128, user: 'me', password: 'se;cr#et' });
  });

  it('uses WebSockets when told to, or when only WebSocket brokers are listed', () => {
    assert.equal(parseDxlConfig(GOOD.replace('UseWebSockets=false', 'UseWebSockets=TRUE'), '/x').useWebSockets, true);
    const onlyWs = GOOD.replace(/\[Brokers\][^[]*/, '');
    assert.equal(parseDxlConfig(onlyWs, '/x').useWebSockets, true);
  });

  it('parses broker lines with and without an id', () => {
    assert.deepEqual(parseBrokerLine('8883;host'), { port: 8883, hosts: ['host'] });
    assert.deepEqual(parseBrokerLine('id;8883;host;1.2.3.4'), { id: 'id', port: 8883, hosts: ['host', '1.2.3.4'] });
    assert.equal(typeof parseBrokerLine('8883'), 'string');
    assert.equal(typeof parseBrokerLine('id;99999;host'), 'string');
    assert.equal(typeof parseBrokerLine('id;8883;'), 'string');
  });

  it('loads a file and names it and the line when a broker line is malformed, without quoting the line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-config-'));
    const file = path.join(dir, 'dxlclient.config');
    fs.writeFileSync(file, GOOD.replace('local=8883;localhost', 'local=88x3;localhost'));
    expectConfigError(() => loadDxlConfig(file), file, 'line 15 ([Brokers])', 'neither the first nor the second field is a port');
    assert.throws(
      () => loadDxlConfig(file),
      (error: Error) => !/88x3|localhost|local=/.test(error.message),
    );
    fs.writeFileSync(file, GOOD);
    assert.equal(loadDxlConfig(file).brokerCertChain, path.join(dir, 'ca-bundle.crt'));
    assert.equal(loadDxlConfig(file).file, file);
  });

  it('reports a missing file by name', () => {
    expectConfigError(() => loadDxlConfig('/nonexistent/dxlclient.config'), '/nonexistent/dxlclient.config', 'file not found');
  });

  it('reads "~/…" paths from the home folder, the config\'s and the certificates\' alike, and names a folder given as the file', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-home-'));
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      fs.mkdirSync(path.join(home, 'fabric'));
      fs.writeFileSync(
        path.join(home, 'fabric', 'dxlclient.config'),
        GOOD.replace('PrivateKey=/abs/client.key', 'PrivateKey=~/keys/client.key'),
      );
      const config = loadDxlConfig('~/fabric/dxlclient.config');
      assert.equal(config.file, path.join(home, 'fabric', 'dxlclient.config'));
      assert.equal(config.brokerCertChain, path.join(home, 'fabric', 'ca-bundle.crt'));
      assert.equal(config.privateKey, path.join(home, 'keys', 'client.key'));
      assert.equal(resolveUserPath('~'), home);
      assert.equal(resolveUserPath('~other/x'), path.resolve('~other/x'), 'only the own home folder is expanded');
      expectConfigError(() => loadDxlConfig('~/fabric'), '~/fabric', 'this is a folder, not a file');
      assert.throws(() => readTlsFile('~/fabric', 'CA bundle'), /CA bundle file ~\/fabric: this is a folder, not a file/);
      const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
      fs.writeFileSync(path.join(home, 'ca.pem'), pem);
      assert.equal(readTlsFile('~/ca.pem', 'CA bundle').toString(), pem);
    } finally {
      process.env.HOME = saved;
    }
  });

  it('reports a line that is neither a section nor key=value by its number and kind, never its text', () => {
    const cases: Array<[string, string]> = [
      ['[Certs]\nthis is wrong\n', 'neither a [Section] nor a key=value line'],
      ['this is wrong=really\n[Certs]\n', 'a key=value line before any [Section]'],
      ['\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n', 'a PEM line'],
      ['[Certs]\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n', 'base64 data'],
      ['[Certs]\nPATH=/usr/bin\u0000SECRET=wrong\n', 'binary data'],
    ];
    for (const [text, kind] of cases) {
      const line = text.startsWith('\n') || text.startsWith('[') ? 'my.config line 2' : 'my.config line 1';
      expectConfigError(() => parseDxlConfig(text, '/x', 'my.config'), line, kind);
      assert.throws(
        () => parseDxlConfig(text, '/x', 'my.config'),
        (error: Error) => !/wrong|MIIEvQ|PRIVATE|usr/.test(error.message),
        `the line of ${JSON.stringify(text)} is not quoted`,
      );
    }
  });

  it('reports each missing certificate key', () => {
    for (const key of ['BrokerCertChain', 'CertFile', 'PrivateKey']) {
      const text = GOOD.replace(new RegExp(`^${key}=.*$`, 'm'), '');
      expectConfigError(() => parseDxlConfig(text, '/x'), '[Certs]', `${key} is missing`);
    }
    expectConfigError(() => parseDxlConfig('[Brokers]\nb=8883;h\n', '/x'), '[Certs] section is missing');
  });

  it('reports a config without brokers, a bad UseWebSockets and an incomplete proxy', () => {
    const noBrokers = GOOD.replace(/\[Brokers\][^[]*/, '').replace(/\[BrokersWebSockets\][^[]*/, '');
    expectConfigError(() => parseDxlConfig(noBrokers, '/x'), 'no brokers');
    expectConfigError(
      () => parseDxlConfig(GOOD.replace('UseWebSockets=false', 'UseWebSockets=maybe'), '/x'),
      '[General] UseWebSockets',
      'is neither true nor false',
    );
    expectConfigError(() => parseDxlConfig(GOOD.replace('Password=se;cr#et', ''), '/x'), '[Proxy] User', 'Password is missing');
    expectConfigError(() => parseDxlConfig(GOOD.replace('Port=3128', 'Port=http'), '/x'), '[Proxy] Port', 'is not a port');
  });
});
