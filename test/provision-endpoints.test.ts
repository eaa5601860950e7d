/**
 * The tie-config's admin actions (import, Provision, Update brokers) refuse what a cross-site page
 * can make a browser send: a form-encoded or text body gets 415 before anything runs (no request
 * reaches the management server), with tie-config.write still checked first; and a server that
 * answers a login page has it described, never quoted, in the answer the editor shows.
 */
import assert from 'node:assert/strict';
import type http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { NOT_JSON_CODE, NOT_JSON_STATUS } from '../nodes/tie-config/config-provision';
import { testPki } from '../test-kit/pki-fixture';
import { helper, guardedConfigNode } from './support/node-red-helper';

const MARKER = 'ZEBRA-7f3c-MARKER-do-not-echo';
const ROUTES = ['/tie-config/import', '/tie-config/provision', '/tie-config/update-brokers'];

interface Reply {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

/** The parts of supertest these tests use. */
interface PostRequest {
  set(header: string, value: string): PostRequest;
  type(type: string): PostRequest;
  send(body: unknown): Promise<Reply>;
}

interface Agent {
  post(url: string): PostRequest;
}

/** A management server on loopback (test PKI) answering every request with a login page. */
async function loginPageServer(): Promise<{ port: number; requests: string[]; close(): Promise<void> }> {
  const pki = testPki();
  const requests: string[] = [];
  const server = https.createServer({ cert: pki.broker.certPem, key: pki.broker.keyPem }, (request: http.IncomingMessage, response) => {
    requests.push(request.url ?? '');
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(`<!DOCTYPE html><html><head><title>Log on: ${MARKER}</title></head><body>Error: ${MARKER}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('tie-config admin actions: JSON only, and a reply that is not a management answer never quoted', function () {
  this.timeout(20_000);
  /** tie-config with a permission check that lets only requests carrying x-allowed through. */
  const guardedConfig = guardedConfigNode();
  let server: Awaited<ReturnType<typeof loginPageServer>>;

  before(async () => {
    server = await loginPageServer();
    await helper.startServer();
    await helper.load([guardedConfig], [{ id: 'config', type: 'tie-config', brokers: [] }], {});
  });
  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await server.close();
  });

  const agent = (): Agent => helper.request() as unknown as Agent;
  const form = (): Record<string, string> => ({
    host: '127.0.0.1',
    port: String(server.port),
    user: 'admin',
    password: 'secret',
    caPem: testPki().ca.certPem,
    commonName: 'cross-site',
    config: '[Certs]\nBrokerCertChain=a\nCertFile=b\nPrivateKey=c\n[Brokers]\nb=8883;h\n',
  });

  it('a form-encoded or text POST gets 415 and runs nothing; without tie-config.write it is refused first', async () => {
    for (const route of ROUTES) {
      const encoded = new URLSearchParams(form()).toString();
      const refused = await agent().post(route).set('x-allowed', '1').type('form').send(encoded);
      assert.equal(refused.status, NOT_JSON_STATUS, `${route}: ${refused.text}`);
      assert.deepEqual(refused.body, {
        code: NOT_JSON_CODE,
        message: 'The tie-config actions take a JSON body only (Content-Type: application/json)',
      });
      // A page can also send text/plain without asking the browser's permission.
      const asText = await agent().post(route).set('x-allowed', '1').type('text/plain').send(JSON.stringify(form()));
      assert.equal(asText.status, NOT_JSON_STATUS, route);
      const unauthorized = await agent().post(route).type('form').send(encoded);
      assert.equal(unauthorized.status, 401, `${route}: tie-config.write is still checked, before the body`);
    }
    assert.deepEqual(server.requests, [], 'nothing reached the management server');
  });

  it('JSON still works, and a login page is described (status, type, length), its text never quoted', async () => {
    for (const route of ['/tie-config/provision', '/tie-config/update-brokers']) {
      const reply = await agent().post(route).set('x-allowed', '1').send(form());
      assert.equal(reply.status, 502, `${route}: ${reply.text}`);
      assert.equal(reply.body.code, 'PROVISION_BAD_RESPONSE');
      assert.match(String(reply.body.message), /answered without a management status .* It sent HTTP 200, text\/html, \d+ bytes$/);
      assert.ok(!reply.text.includes(MARKER), `${route} quoted the page: ${reply.text}`);
    }
    assert.equal(server.requests.length, 2, 'each JSON request reached the server');
    const imported = await agent().post('/tie-config/import').set('x-allowed', '1').send({ config: form().config });
    assert.equal(imported.status, 200, imported.text);
  });
});
