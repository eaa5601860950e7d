/**
 * The tie-config's "what the file says" action (POST /tie-config/file-summary), as Node-RED serves
 * it: it needs tie-config.read, answers a dxlclient.config's brokers, transport and certificate
 * paths (absolute) and never key material, refuses a file not named *.config without reading it,
 * names a missing file with how to make it, and never quotes a file that is not a dxlclient.config.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatClientConfig } from '../src/fabric/client-config';
import { helper, guardedConfigNode } from './support/node-red-helper';

const MARKER = 'MARKER-7f3a9c-never-shown';
const KEY = `-----BEGIN PRIVATE KEY-----\n${MARKER}\n-----END PRIVATE KEY-----\n`;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}
interface Pending {
  set(header: string, value: string): Pending;
  send(body: unknown): Promise<Answer>;
}
interface Agent {
  post(url: string): Pending;
}

describe('tie-config: what a dxlclient.config says, for the editor', () => {
  const permissions: string[] = [];
  const guardedConfig = guardedConfigNode(permissions);
  let dir: string;
  const agent = (): Agent => helper.request() as unknown as Agent;
  const ask = (body: unknown): Promise<Answer> => agent().post('/tie-config/file-summary').set('x-allowed', '1').send(body);

  before(async () => {
    await helper.startServer();
    await helper.load([guardedConfig], [{ id: 'config', type: 'tie-config', brokers: [] }], {});
  });
  after(async () => {
    await helper.unload();
    await helper.stopServer();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-summary-'));
  });

  it('needs tie-config.read', async () => {
    assert.ok(permissions.includes('tie-config.read'));
    const refused = await agent()
      .post('/tie-config/file-summary')
      .set('x-other', '1')
      .send({ file: path.join(dir, 'dxlclient.config') });
    assert.equal(refused.status, 401);
  });

  it('answers the brokers, transport and absolute certificate paths, never the key', async () => {
    const file = path.join(dir, 'dxlclient.config');
    fs.writeFileSync(
      file,
      formatClientConfig({
        brokerId: '{b1}',
        host: 'dxl.corp',
        port: 8883,
        caFile: 'ca.crt',
        certFile: 'client.crt',
        keyFile: 'client.key',
      }),
    );
    fs.writeFileSync(path.join(dir, 'client.key'), KEY);
    const answer = await ask({ file });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, {
      file,
      brokers: [{ host: 'dxl.corp', port: 8883, id: '{b1}' }],
      transport: 'mqtt',
      caFile: path.join(dir, 'ca.crt'),
      certFile: path.join(dir, 'client.crt'),
      keyFile: path.join(dir, 'client.key'),
    });
    assert.ok(!JSON.stringify(answer.body).includes(MARKER));
  });

  it('refuses a file not named *.config without reading it, and names a missing one with how to make it', async () => {
    const other = path.join(dir, 'secrets.txt');
    fs.writeFileSync(other, `[Certs]\nBrokerCertChain=${MARKER}\n`);
    const refused = await ask({ file: other });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.code, 'DXL_CONFIG');
    assert.match(String(refused.body.message), /ends in "\.config"/);
    assert.ok(!JSON.stringify(refused.body).includes(MARKER));

    const missing = await ask({ file: path.join(dir, 'nowhere', 'dxlclient.config') });
    assert.equal(missing.status, 400);
    assert.match(String(missing.body.message), /file not found: start the embedded fabric \(npx --prefix ~\/\.node-red tie-fabric/);
  });

  it('a key named *.config is described, never quoted; a body that is not JSON is refused', async () => {
    const disguised = path.join(dir, 'key.config');
    fs.writeFileSync(disguised, KEY);
    const answer = await ask({ file: disguised });
    assert.equal(answer.status, 400);
    assert.ok(!JSON.stringify(answer.body).includes(MARKER));
    assert.ok(!JSON.stringify(answer.body).includes('PRIVATE KEY'));

    const form = await agent()
      .post('/tie-config/file-summary')
      .set('x-allowed', '1')
      .set('content-type', 'text/plain')
      .send(`file=${disguised}`);
    assert.equal(form.status, 415);
  });
});
