/**
 * The management client's HTTP behaviour against a scripted HTTPS server on loopback (real TLS,
 * test PKI): the request it sends, redirects (same server only, cookies carried, at most five),
 * HTTP statuses, the "OK:"/"Error:" framing, timeouts, and that nothing is sent to a server
 * whose certificate does not verify.
 */
import assert from 'node:assert/strict';
import type http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  MAX_REDIRECTS,
  type ManagementServer,
  ProvisionError,
  ProvisionErrorCode,
  fetchBrokerList,
  fetchCaBundle,
  provisionDxlClient,
  runManagementCommand,
} from '../src/provision';
import { testPki } from '../test-kit/pki-fixture';

const PASSWORD = 'hunter2-Very-Secret';

interface SeenRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
}

type Script = (request: http.IncomingMessage, response: http.ServerResponse) => void;

interface ScriptedServer {
  port: number;
  seen: SeenRequest[];
  script: Script;
  close(): Promise<void>;
}

async function scriptedServer(): Promise<ScriptedServer> {
  const pki = testPki();
  const state: ScriptedServer = { port: 0, seen: [], script: (_q, r) => r.end('OK:\n"nothing"'), close: () => Promise.resolve() };
  const server = https.createServer({ cert: pki.broker.certPem, key: pki.broker.keyPem }, (request, response) => {
    state.seen.push({ path: request.url ?? '', headers: request.headers });
    state.script(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return state;
}

function answer(status: number, body: string, headers: Record<string, string | string[]> = {}): Script {
  return (_request, response) => {
    response.writeHead(status, headers);
    response.end(body);
  };
}

async function failsWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<ProvisionError> {
  const error = await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ProvisionError, `a ProvisionError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  assert.match(error.message, message);
  assert.ok(!error.message.includes(PASSWORD) && !(error.serverMessage ?? '').includes(PASSWORD), `password leaked: ${error.message}`);
  return error;
}

describe('management client over HTTPS', function () {
  this.timeout(20_000);
  let server: ScriptedServer;
  let settings: ManagementServer;

  beforeEach(async () => {
    server = await scriptedServer();
    settings = { host: '127.0.0.1', port: server.port, user: 'epo-admin', password: PASSWORD, ca: testPki().ca.certPem };
  });
  afterEach(() => server.close());

  it('sends GET /remote/<command> with the escaped query, :output=json and basic authentication, and reads the OK answer', async () => {
    server.script = answer(200, 'OK:\r\n"ca text"');
    assert.equal(await runManagementCommand(settings, 'Some.command', { csrString: 'a b+c&d=é\n' }), 'ca text');
    assert.equal(server.seen.length, 1);
    const url = new URL(server.seen[0].path, 'https://x');
    assert.equal(url.pathname, '/remote/Some.command');
    assert.equal(url.searchParams.get('csrString'), 'a b+c&d=é\n');
    assert.equal(url.searchParams.get(':output'), 'json');
    assert.ok(!server.seen[0].path.includes(PASSWORD));
    const auth = server.seen[0].headers.authorization ?? '';
    assert.equal(Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString(), `epo-admin:${PASSWORD}`);
  });

  describe('redirects', () => {
    it('follows a redirect on the same server, carrying its cookies and the credentials', async () => {
      server.script = (request, response) => {
        if (request.url?.startsWith('/remote/')) {
          response.writeHead(302, {
            Location: '/core/login?next=1',
            'Set-Cookie': ['JSESSIONID=abc123; Path=/; Secure', 'orion=xyz; HttpOnly'],
          });
          return response.end();
        }
        if (request.headers.cookie !== 'JSESSIONID=abc123; orion=xyz') return answer(400, 'no cookie')(request, response);
        answer(200, 'OK:\n"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----"')(request, response);
      };
      assert.match(await fetchCaBundle(settings), /BEGIN CERTIFICATE/);
      assert.deepEqual(
        server.seen.map((r) => r.path),
        ['/remote/DxlClientMgmt.createClientCaBundle?%3Aoutput=json', '/core/login?next=1'],
      );
      assert.ok(server.seen[1].headers.authorization, 'credentials on the redirected request');
    });

    it(`stops a redirect loop after ${MAX_REDIRECTS} redirects`, async () => {
      server.script = answer(302, '', { Location: '/remote/again' });
      const error = await failsWith(
        fetchCaBundle(settings),
        ProvisionErrorCode.Redirect,
        /still redirected after 5 redirects \(a redirect loop\?\)/,
      );
      assert.equal(error.httpStatus, 302);
      assert.equal(server.seen.length, MAX_REDIRECTS + 1);
    });

    it('does not follow a redirect to another port, host or scheme: the credentials stay', async () => {
      const other = await scriptedServer();
      try {
        for (const location of [
          `https://127.0.0.1:${other.port}/remote/x`,
          `https://localhost:${server.port}/remote/x`,
          `http://127.0.0.1:${server.port}/remote/x`,
        ]) {
          server.script = answer(302, '', { Location: location });
          await failsWith(
            fetchCaBundle(settings),
            ProvisionErrorCode.Redirect,
            /redirects to another host, port or scheme are not followed/,
          );
        }
        assert.equal(other.seen.length, 0, 'the other server was never asked');
      } finally {
        await other.close();
      }
    });

    it('a redirect without a Location is an error', async () => {
      server.script = answer(302, '');
      await failsWith(fetchCaBundle(settings), ProvisionErrorCode.Redirect, /without a Location/);
    });
  });

  describe('statuses and framing', () => {
    it('HTTP 403: not allowed to run the command; HTTP 500: the status, named', async () => {
      server.script = answer(403, 'Forbidden');
      await failsWith(
        fetchBrokerList(settings),
        ProvisionErrorCode.Unauthorized,
        /HTTP 403, user "epo-admin" may not run DxlClientMgmt\.getBrokerList/,
      );
      server.script = answer(500, 'boom');
      const error = await failsWith(
        fetchBrokerList(settings),
        ProvisionErrorCode.HttpStatus,
        /getBrokerList failed with HTTP 500 Internal Server Error/,
      );
      assert.equal(error.httpStatus, 500);
    });

    it('a body without a status, an OK with invalid JSON, and an empty body are bad answers, described but never quoted', async () => {
      server.script = answer(200, '<html>login page</html>');
      const page = await failsWith(
        fetchCaBundle(settings),
        ProvisionErrorCode.BadResponse,
        /answered without a management status .* It sent HTTP 200, no content type, 23 bytes$/,
      );
      assert.doesNotMatch(page.message, /login page/);
      server.script = answer(200, 'OK: {not json', { 'Content-Type': 'text/plain; charset=utf-8' });
      const notJson = await failsWith(
        fetchCaBundle(settings),
        ProvisionErrorCode.BadResponse,
        /answered OK but its detail is not valid JSON \(HTTP 200, text\/plain, 13 bytes\)/,
      );
      assert.doesNotMatch(notJson.message, /not json/);
      assert.equal(notJson.cause, undefined, "the parser's error, which quotes the text, is not kept");
      server.script = answer(200, '');
      await failsWith(fetchCaBundle(settings), ProvisionErrorCode.BadResponse, /returned an empty answer/);
    });

    it('a reply that is not a management answer is described by status, type and length, its text never quoted', async () => {
      const marker = 'ZEBRA-7f3c-MARKER-do-not-echo';
      const page = `<!DOCTYPE html><html><head><title>Sign in: ${marker}</title></head><body>Error: ${marker}</body></html>`;
      const html = { 'Content-Type': 'text/html; charset=utf-8' };
      const cases: Array<[string, string, RegExp]> = [
        [page, 'text/html; charset=utf-8', /It sent HTTP 200, text\/html, \d+ bytes$/],
        // The status word's shape decides, whatever the content type says.
        [`Login page for ${marker}: sign in`, 'text/plain', /It sent HTTP 200, text\/plain, \d+ bytes$/],
        // Markup is not an answer even when its text starts like one.
        [`Error 1: ${marker}`, 'text/html', /It sent HTTP 200, text\/html, \d+ bytes$/],
      ];
      for (const [body, type, message] of cases) {
        server.script = answer(200, body, { 'Content-Type': type });
        const error = await failsWith(fetchCaBundle(settings), ProvisionErrorCode.BadResponse, message);
        assert.ok(!error.message.includes(marker), error.message);
        assert.equal(error.serverMessage, undefined);
      }
      // A content type is named only when it is a well-formed media type.
      server.script = answer(200, 'OK: x', { 'Content-Type': `text/<b>${marker}</b>` });
      await failsWith(
        fetchCaBundle(settings),
        ProvisionErrorCode.BadResponse,
        /not valid JSON \(HTTP 200, a malformed content type, 5 bytes\)$/,
      );
      // Nor the reason phrase of an HTTP error, nor the path of a redirect elsewhere: the server's text too.
      server.script = (_request, response) => {
        response.writeHead(500, `Broken ${marker}`, html);
        response.end(page);
      };
      const status = await failsWith(fetchCaBundle(settings), ProvisionErrorCode.HttpStatus, /failed with HTTP 500 Internal Server Error$/);
      assert.ok(!status.message.includes(marker));
      server.script = answer(302, '', { Location: `https://elsewhere.example/${marker}` });
      const moved = await failsWith(fetchCaBundle(settings), ProvisionErrorCode.Redirect, /redirected to https:\/\/elsewhere\.example:/);
      assert.ok(!moved.message.includes(marker));
    });

    it('an Error answer quotes the server, with the password masked if it echoes it', async () => {
      server.script = answer(200, `Error 0 :\r\nLogin failed for password ${PASSWORD}`);
      const error = await failsWith(
        fetchCaBundle(settings),
        ProvisionErrorCode.CommandFailed,
        /failed with status "Error 0": Login failed for password \*{8}/,
      );
      assert.equal(error.serverMessage, 'Login failed for password ********');
    });

    it('reads a broker list spelled "hostname" or "hostName", and refuses a provisioning package with fewer than three parts', async () => {
      const list = {
        brokers: [{ guid: '{a}', hostname: 'dxl1.corp', ipAddress: '10.0.0.1', port: 8883 }],
        webSocketBrokers: [{ guid: '{a}', hostName: 'dxl1.corp', ipAddress: '10.0.0.1', port: '443' }],
      };
      server.script = answer(200, `OK:\r\n${JSON.stringify(JSON.stringify(list))}`);
      assert.deepEqual(await fetchBrokerList(settings), {
        brokers: [{ id: '{a}', port: 8883, hosts: ['dxl1.corp', '10.0.0.1'] }],
        webSocketBrokers: [{ id: '{a}', port: 443, hosts: ['dxl1.corp', '10.0.0.1'] }],
      });
      server.script = answer(200, `OK:\r\n${JSON.stringify(`${testPki().ca.certPem},${testPki().client.certPem}`)}`);
      await failsWith(
        provisionDxlClient(settings, { commonName: 'x' }),
        ProvisionErrorCode.BadResponse,
        /expected "CA bundle,certificate,brokers\[,WebSocket brokers\]", got 2 part/,
      );
    });

    it('refuses a certificate that is not for the key it made', async () => {
      const pki = testPki();
      server.script = answer(200, `OK:\r\n${JSON.stringify(`${pki.ca.certPem},${pki.client.certPem},{b}={b};8883;dxl.corp`)}`);
      await failsWith(provisionDxlClient(settings, { commonName: 'x' }), ProvisionErrorCode.BadResponse, /not for the key made here/);
    });
  });

  describe('trust and time', () => {
    it('sends nothing to a server whose certificate does not verify', async () => {
      await failsWith(fetchCaBundle({ ...settings, ca: testPki().otherCa.certPem }), ProvisionErrorCode.UntrustedServer, /does not verify/);
      assert.equal(server.seen.length, 0, 'no HTTP request (and so no credentials) reached the server');
    });

    it('gives up after timeoutMs when the server does not answer', async () => {
      server.script = () => undefined;
      const started = Date.now();
      await failsWith(fetchCaBundle({ ...settings, timeoutMs: 300 }), ProvisionErrorCode.Unreachable, /no answer within 300 ms/);
      assert.ok(Date.now() - started < 3000);
    });
  });
});
