/**
 * A broker address that is an HTTPS port (here the fabric's own management API, whose TLS the
 * client trusts) is named as not an MQTT broker, not as an MQTT protocol error about a PUBACK.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DxlClient } from '../src/dxl/client';
import type { ConnectionState } from '../src/dxl/connection-state';
import { connectionCauseKind } from '../src/dxl/connection-state';
import { type RunningFabric, startFabric } from '../src/fabric';

describe('a broker address that is an HTTPS port', function () {
  this.timeout(20_000);
  let fabric: RunningFabric;

  before(async () => {
    fabric = await startFabric({
      port: 0,
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'tie-not-mqtt-')),
      simulator: false,
      management: { port: 0 },
    });
  });
  after(async () => {
    await fabric?.close();
  });

  it('is named "not an MQTT broker", with a cause of its own', async () => {
    const management = fabric.management;
    assert.ok(management);
    const warnings: string[] = [];
    const client = new DxlClient({
      brokers: [{ host: management.host, port: management.port }],
      ca: fs.readFileSync(fabric.files.caCert),
      cert: fs.readFileSync(fabric.files.clientCert),
      key: fs.readFileSync(fabric.files.clientKey),
      reconnect: { initialDelayMs: 100, maxDelayMs: 200 },
      logger: { warn: (line) => warnings.push(line) },
    });
    const states: ConnectionState[] = [];
    client.onStateChange((state) => states.push(state));
    try {
      await assert.rejects(client.connect({ timeoutMs: 3000 }), /not an MQTT broker/);
      const failed = states.find((state) => state.cause !== undefined);
      assert.equal(failed?.cause, 'NOT_MQTT', JSON.stringify(states));
      assert.equal(connectionCauseKind('NOT_MQTT'), 'notMqtt');
      assert.match(warnings.join('\n'), /not an MQTT broker/);
      assert.doesNotMatch(warnings.join('\n'), /puback/);
    } finally {
      await client.close();
    }
  });
});
