/**
 * The DXL client's reconnection, measured on real sockets: exponential backoff with at most 25 %
 * jitter up to the cap, failure reasons logged once per change (per broker) rather than per retry,
 * and an expired client certificate named as such even by a broker that only closes the connection.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DxlClient } from '../../src/dxl/client';
import { type RunningFabric, startFabric } from '../../src/fabric';
import { issueCertificate } from '../../src/fabric/pki';
import { type Figures, recordFigures } from './support/figures';
import { eventually } from '../support/eventually';

interface Pem {
  ca: string;
  cert: string;
  key: string;
  caKey: string;
}

function fabricPem(fabric: RunningFabric): Pem {
  const read = (file: string): string => fs.readFileSync(file, 'utf8');
  return {
    ca: read(fabric.files.caCert),
    cert: read(fabric.files.clientCert),
    key: read(fabric.files.clientKey),
    caKey: read(path.join(fabric.dataDir, 'ca.key')),
  };
}

/** A port that accepts TCP connections and closes them at once, noting when each came. */
async function slammingDoor(): Promise<{ port: number; attempts: number[]; close(): void }> {
  const attempts: number[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    attempts.push(Date.now());
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    attempts,
    close: () => {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

describe('faults: reconnection and its log', function () {
  this.timeout(60_000);
  let fabric: RunningFabric;
  let pem: Pem;
  const cleanups: Array<() => unknown> = [];
  const figures: Figures = {};

  before(async () => {
    fabric = await startFabric({ port: 0, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'tie-faults-reconnect-')), simulator: false });
    pem = fabricPem(fabric);
  });
  after(async () => {
    await fabric.close();
    recordFigures('reconnect', figures);
  });
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  function client(
    brokers: Array<{ host: string; port: number }>,
    warnings: string[],
    options: Partial<ConstructorParameters<typeof DxlClient>[0]> = {},
  ): DxlClient {
    const created = new DxlClient({
      brokers,
      ca: pem.ca,
      cert: pem.cert,
      key: pem.key,
      logger: { warn: (line) => warnings.push(line) },
      reconnect: { initialDelayMs: 100, maxDelayMs: 800 },
      ...options,
    });
    cleanups.push(() => created.close());
    return created;
  }

  it('waits 1×, 2×, 4×… the first delay between attempts, plus at most 25 % jitter, up to the cap', async () => {
    const door = await slammingDoor();
    cleanups.push(() => door.close());
    const warnings: string[] = [];
    client([{ host: '127.0.0.1', port: door.port }], warnings)
      .connect()
      .catch(() => undefined);
    await eventually(() => door.attempts.length >= 7, '7 attempts', 15_000);
    const gaps = door.attempts.slice(1, 7).map((at, i) => at - door.attempts[i]);
    gaps.forEach((gap, i) => {
      const base = Math.min(100 * 2 ** i, 800);
      assert.ok(gap >= base - 5, `gap ${i} of ${gap} ms is shorter than the backoff ${base} ms (${gaps.join(', ')})`);
      assert.ok(gap <= base * 1.25 + 150, `gap ${i} of ${gap} ms is longer than ${base} ms + 25 % (${gaps.join(', ')})`);
    });
    assert.equal(warnings.length, 1, `one warning for ${door.attempts.length} refusals: ${warnings.join(' | ')}`);
    figures.backoffGapsMs = gaps;
    figures.backoffAttempts = door.attempts.length;
  });

  it("logs each broker's failure once per change of reason, not once per retry, with two brokers failing differently", async () => {
    const door = await slammingDoor();
    cleanups.push(() => door.close());
    const other = await startFabric({ port: 0, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'tie-faults-other-ca-')), simulator: false });
    cleanups.push(() => other.close());
    const warnings: string[] = [];
    // The fabric's certificate is not signed by the CA we trust; the door closes every connection.
    const lost = client(
      [
        { host: '127.0.0.1', port: door.port },
        { host: '127.0.0.1', port: other.port },
      ],
      warnings,
      { probeBrokers: false },
    );
    lost.connect().catch(() => undefined);
    await eventually(() => door.attempts.length >= 5, '5 rounds', 15_000);
    assert.equal(warnings.length, 2, `two reasons, two lines; got ${warnings.length}:\n${warnings.join('\n')}`);
    assert.match(warnings.join('\n'), new RegExp(`${other.port}: TLS: broker certificate not trusted`));
    assert.match(warnings.join('\n'), new RegExp(`${door.port}: connection reset`));
    figures.twoBrokerRounds = door.attempts.length;
    figures.twoBrokerWarnings = warnings.length;
  });

  it('logs a lost connection and the refusals after it once each, and again after the next connection', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-faults-relost-'));
    let broker = await startFabric({ port: 0, dataDir, simulator: false });
    const port = broker.port;
    const brokerPem = fabricPem(broker);
    const warnings: string[] = [];
    const dropped = client([{ host: '127.0.0.1', port }], warnings, { ca: brokerPem.ca, cert: brokerPem.cert, key: brokerPem.key });
    try {
      await dropped.connect({ timeoutMs: 5000 });
      for (let round = 1; round <= 2; round++) {
        await broker.close();
        await eventually(() => warnings.length >= 2 * round, `round ${round}: the loss and the refusal`);
        await new Promise((resolve) => setTimeout(resolve, 1200)); // several retries
        assert.equal(warnings.length, 2 * round, warnings.join('\n'));
        assert.match(warnings[2 * round - 2], /lost connection/);
        assert.match(warnings[2 * round - 1], /ECONNREFUSED/);
        broker = await startFabric({ port, dataDir, simulator: false });
        await eventually(() => dropped.connected, 'reconnected', 5000);
      }
    } finally {
      await dropped.close();
      await broker.close();
    }
  });

  it('names an expired client certificate even when the broker only closes the connection', async () => {
    const expired = issueCertificate(
      { certPem: pem.ca, keyPem: pem.caKey },
      {
        commonName: 'expired-client',
        usage: 'client',
        notBefore: new Date(Date.now() - 400 * 86_400_000),
        notAfter: new Date(Date.now() - 86_400_000),
      },
    );
    const warnings: string[] = [];
    const stale = client([{ host: '127.0.0.1', port: fabric.port }], warnings, { cert: expired.certPem, key: expired.keyPem });
    await assert.rejects(stale.connect({ timeoutMs: 1500 }), /client certificate expired/);
    assert.equal(stale.connectionState.cause, 'CLIENT_CERT_EXPIRED');
    assert.match(stale.connectionState.reason ?? '', /our client certificate expired on \d{4}-\d\d-\d\d/);
    assert.equal(warnings.length, 1, warnings.join('\n'));
  });
});
