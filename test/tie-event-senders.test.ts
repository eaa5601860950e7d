/**
 * TIE events from trusted senders, on the embedded fabric with its TIE simulator: the broker stamps each
 * event's sender, the registry names the clients of the TIE service, and a TieClient that trusts only
 * those drops an event another client forged (and keeps its cache), while the simulator's own events
 * arrive.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DxlClient } from '../src/dxl/client';
import { type RunningFabric, openTopicPolicy, startFabric } from '../src/fabric';
import { TieClient, TieTopic, TrustLevel, type ReputationChangeEvent, type TieClientOptions } from '../src/tie';
import { fileTarget } from '../src/tie/hashes';
import { ourClient, eventually } from './support/our-client';
import { SAMPLE_repChangeUnitTest } from './support/tie-samples';

describe('TIE events from trusted senders (embedded fabric, TIE simulator)', function () {
  this.timeout(30_000);
  let fabric: RunningFabric;
  let dataDir: string;
  const clients: DxlClient[] = [];

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-event-senders-'));
    // An open policy: the fabric's default one already drops TIE events from anyone but the simulator, and this
    // rule is for fabrics that do not (test/faults/hostile-peers.test.ts runs both).
    fabric = await startFabric({ port: 0, dataDir, policy: openTopicPolicy() });
  });
  after(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await fabric?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A client with the fabric's ordinary client certificate (not the simulator's). */
  const client = async (): Promise<DxlClient> => {
    const dxl = ourClient([{ host: '127.0.0.1', port: fabric.port }], {
      ca: fs.readFileSync(fabric.files.caCert, 'utf8'),
      cert: fs.readFileSync(fabric.files.clientCert, 'utf8'),
      key: fs.readFileSync(fabric.files.clientKey, 'utf8'),
    });
    clients.push(dxl);
    await dxl.connect();
    return dxl;
  };

  const clientThumbprint = (): string =>
    new crypto.X509Certificate(fs.readFileSync(fabric.files.clientCert)).fingerprint.replace(/:/g, '').toLowerCase();

  /** Subscribes a TieClient to file reputation changes; resolves with the events it got and the client. */
  const listener = async (options: TieClientOptions): Promise<{ tie: TieClient; events: ReputationChangeEvent[] }> => {
    const tie = new TieClient(await client(), options);
    const events: ReputationChangeEvent[] = [];
    await tie.onFileReputationChange((event) => events.push(event));
    return { tie, events };
  };

  const forge = async (): Promise<void> => {
    const forger = await client();
    await forger.sendEvent(TieTopic.FILE_REPUTATION_CHANGE_EVENT, JSON.stringify(SAMPLE_repChangeUnitTest.raw));
  };

  it('drops a reputation change another client forged, and delivers the TIE service own', async () => {
    const { tie, events } = await listener({ eventSenders: { onlyTieServices: true } });
    await forge();
    await eventually(() => (tie.eventSenders?.counts.untrusted ?? 0) === 1, 'the forged event counted as untrusted');
    assert.equal(events.length, 0);

    // A write makes the simulator (a registered TIE service instance) announce the change itself.
    const sha256 = crypto.randomBytes(32).toString('hex');
    await tie.setReputation(fileTarget({ sha256 }), TrustLevel.KNOWN_MALICIOUS, 'senders.exe');
    await eventually(() => events.length === 1, 'the simulator reputation change');
    assert.equal(events[0]?.hashes?.sha256, sha256);
    assert.equal(tie.eventSenders?.counts.untrusted, 1);
  });

  it('lets a forged event touch neither the handlers nor the cache', async () => {
    const { tie } = await listener({ eventSenders: { onlyTieServices: true }, cache: { ttlMs: 60_000 } });
    const cache = tie.cache;
    assert.ok(cache);
    const md5 = SAMPLE_repChangeUnitTest.transformed.hashes.md5;
    await tie.getFileReputation({ md5 });
    const cachedBefore = cache.size;
    assert.ok(cachedBefore >= 1);
    await forge();
    await eventually(() => (tie.eventSenders?.counts.untrusted ?? 0) >= 1, 'the forged event dropped');
    assert.equal(cache.size, cachedBefore, 'the forged change cleared nothing');
  });

  it('accepts a client on the allow-list, and any client without the rule', async () => {
    const allowed = await listener({ eventSenders: { onlyTieServices: true, allowedClientIds: [clientThumbprint()] } });
    const open = await listener({});
    await forge();
    await eventually(() => allowed.events.length === 1 && open.events.length === 1, 'the event at both listeners');
    assert.equal(allowed.tie.eventSenders?.counts.untrusted, 0);
    assert.equal(open.tie.eventSenders, undefined);
  });
});
