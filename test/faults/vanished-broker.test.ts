/**
 * A broker that vanishes without closing anything (a cut cable, a frozen VM): no FIN, no reset,
 * just silence. Only MQTT keepalive can notice; the client must then fail over to the other
 * broker instead of waiting on a dead socket, and requests made meanwhile must not hang.
 */
import assert from 'node:assert/strict';
import { DxlClient } from '../../src/dxl/client';
import type { ConnectionState } from '../../src/dxl/connection-state';
import { DxlErrorCode } from '../../src/dxl/errors';
import { BROKER_KINDS, type KillableBroker, startBrokerPair } from './support/brokers';
import { recordFigures } from './support/figures';
import { type Relay, startRelay } from './support/relay';

const KEEPALIVE_SEC = 1;

for (const kind of BROKER_KINDS) {
  describe(`faults: a ${kind} broker that vanishes silently`, function () {
    this.timeout(60_000);
    let brokers: KillableBroker[] = [];
    let relay: Relay;
    let client: DxlClient | undefined;

    before(async () => {
      brokers = await startBrokerPair(kind);
      relay = await startRelay(brokers[0]);
    });
    after(async () => {
      await client?.close();
      relay?.close();
      for (const broker of brokers) await broker.kill();
    });

    it(`is noticed by keepalive within two intervals (${KEEPALIVE_SEC} s) and left for the other broker`, async () => {
      const states: ConnectionState[] = [];
      client = new DxlClient({
        brokers: [
          { host: '127.0.0.1', port: relay.port },
          { host: brokers[1].host, port: brokers[1].port },
        ],
        ...brokers[0].pem,
        probeBrokers: false,
        keepaliveSec: KEEPALIVE_SEC,
        requestTimeoutMs: 8000,
        reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
        logger: { warn: () => undefined },
      });
      client.onStateChange((state) => states.push(state));
      await client.connect({ timeoutMs: 5000 });
      assert.equal(client.connectionState.broker, `127.0.0.1:${relay.port}`);

      const frozenAt = Date.now();
      relay.freeze();
      relay.refuse(); // the vanished host takes no new connections either
      // A request sent into the silence: it must end (DXL_DISCONNECTED when the connection is
      // declared dead), not hang until its own timeout.
      const stranded = client.request('/faults/vanished/nobody', 'x').then(
        () => 'answered',
        (error: { code?: string }) => error.code,
      );
      const deadline = Date.now() + 10_000;
      while (client.connectionState.broker !== `${brokers[1].host}:${brokers[1].port}` || !client.connected) {
        if (Date.now() > deadline) throw new Error(`still not on the other broker: ${JSON.stringify(client.connectionState)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const movedAfterMs = Date.now() - frozenAt;
      const lost = states.find((state) => state.status === 'reconnecting');
      assert.equal(lost?.cause, 'KEEPALIVE_TIMEOUT', JSON.stringify(lost));
      assert.ok(movedAfterMs < 3 * KEEPALIVE_SEC * 1000, `moved after ${movedAfterMs} ms`);
      assert.equal(await stranded, DxlErrorCode.Disconnected);

      const received = new Promise<string>((resolve) => {
        void client!.subscribe('/faults/vanished/after', (message) => resolve(message.payload.toString()));
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await client.sendEvent('/faults/vanished/after', 'still here');
      assert.equal(await received, 'still here');
      recordFigures(`vanished ${kind} broker`, { keepaliveSec: KEEPALIVE_SEC, movedAfterMs });
    });
  });
}
