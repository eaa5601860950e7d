/**
 * A fabric that is starting admits clients only once its own TIE service is up: a client that
 * reconnects the moment the port opens (as every client does after a fabric restart) gets its
 * waiting request answered, not "unable to locate service".
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DxlClient } from '../../src/dxl/client';
import { startFabric } from '../../src/fabric';
import { startTieSimulator } from '../../src/fabric/simulator-host';
import { TieClient } from '../../src/tie/client';
import { freePort } from '../../test-kit/ports';
import { NOTEPAD } from '../support/node-red-samples';

describe('faults: a client reconnecting to a fabric that is still starting', function () {
  this.timeout(30_000);

  it("is admitted once the fabric's TIE service is registered, and its waiting request is answered", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-faults-starting-'));
    const port = await freePort();
    // A first start only makes the PKI the client needs.
    await (await startFabric({ port, dataDir, simulator: false })).close();
    const read = (name: string): string => fs.readFileSync(path.join(dataDir, name), 'utf8');
    const client = new DxlClient({
      brokers: [{ host: '127.0.0.1', port }],
      ca: read('ca.crt'),
      cert: read('client.crt'),
      key: read('client.key'),
      reconnect: { initialDelayMs: 20, maxDelayMs: 20 },
      logger: { warn: () => undefined },
    });
    const tie = new TieClient(client);
    let connectedBeforeService = false;
    let serviceUp = false;
    client.onStateChange((state) => {
      if (state.status === 'connected' && !serviceUp) connectedBeforeService = true;
    });
    try {
      const answer = tie.getFileReputation(NOTEPAD);
      await new Promise((resolve) => setTimeout(resolve, 200)); // the client retries every 20 ms
      const fabric = await startFabric({
        port,
        dataDir,
        simulator: async (dxl, context) => {
          await new Promise((resolve) => setTimeout(resolve, 500)); // a service slow to start
          const service = await startTieSimulator(dxl, context);
          serviceUp = true;
          return service;
        },
      });
      try {
        const reputations = await answer;
        assert.equal(reputations[1]?.trustLevel, 99);
        assert.equal(connectedBeforeService, false, 'the client was held until the service was up');
      } finally {
        await tie.close();
        await client.close();
        await fabric.close();
      }
    } finally {
      await client.close();
    }
  });
});
