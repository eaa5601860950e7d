/*
 * The TIE simulator's service cannot be taken over or removed by another client of the fabric:
 * real TLS, the fabric's own certificates, the official OpenDXL client as the other peer.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunningFabric, type TopicPolicy, openTopicPolicy, startFabric } from '../src/fabric';
import { TieSimulator } from '../src/fabric/tie-simulator';
import { TieTopic } from '../src/tie/topics';
import { fabricIdentities } from './support/fabric-identities';
import {
  type OfficialClient,
  type OfficialMessage,
  closeOfficialClient,
  connectOfficialClient,
  disconnectOfficialClient,
  officialEvent,
  officialRequest,
  payloadText,
  registerOfficialService,
  subscribeOfficial,
} from './support/official-client';
import { addressedRequest, registerUnderGuid, sendErrorNaming } from './support/official-spoof';
import { eventually } from './support/our-client';

const NOTEPAD_MD5 = 'f2c7bb8acc97f92e987a2d4087d021b1';
const SERVICE_UNAVAILABLE = 0x80000001;
const MARKER_TOPIC = '/mcafee/event/test/marker';

interface TieService {
  serviceGuid: string;
  clientGuid: string;
}

describe('fabric: the TIE service belongs to the simulator', function () {
  this.timeout(30_000);

  for (const [name, policy] of [
    ['the default policy', undefined],
    ['an open policy (ownership alone)', openTopicPolicy()],
  ] as Array<[string, TopicPolicy | undefined]>) {
    describe(`with ${name}`, () => {
      let fabric: RunningFabric;
      let dataDir: string;
      let simulator: TieSimulator | undefined;
      const clients: OfficialClient[] = [];
      const logLines: string[] = [];

      before(async () => {
        dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-fabric-ownership-'));
        fabric = await startFabric({
          port: 0,
          dataDir,
          log: (line) => logLines.push(line),
          ...(policy ? { policy } : {}),
          simulator: async (dxl) => {
            simulator = new TieSimulator(dxl);
            await simulator.start();
            return simulator;
          },
        });
      });
      after(async () => {
        await Promise.all(clients.splice(0).map(closeOfficialClient));
        await fabric?.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      });

      /** A client with the certificate of the fabric's dxlclient.config: anyone's. */
      const connect = async (): Promise<OfficialClient> => {
        const client = await connectOfficialClient(fabricIdentities(fabric).client, { host: '127.0.0.1', port: fabric.port });
        clients.push(client);
        return client;
      };

      const tieServices = async (client: OfficialClient): Promise<TieService[]> => {
        const response = await officialRequest(client, '/mcafee/service/dxl/svcregistry/query', '{"serviceType":"/mcafee/service/tie"}');
        return Object.values((JSON.parse(payloadText(response)) as { services: Record<string, TieService> }).services);
      };

      /** A file reputation lookup as TIE's clients send it: answered by the simulator, GTI 99 for notepad.exe. */
      const lookUpNotepad = async (client: OfficialClient): Promise<OfficialMessage> => {
        const value = Buffer.from(NOTEPAD_MD5, 'hex').toString('base64');
        const response = await officialRequest(client, TieTopic.GET_FILE_REPUTATION, JSON.stringify({ hashes: [{ type: 'md5', value }] }));
        const { reputations } = JSON.parse(payloadText(response)) as { reputations: Array<{ providerId: number; trustLevel: number }> };
        assert.equal(reputations.find((reputation) => reputation.providerId === 1)?.trustLevel, 99);
        return response;
      };

      const assertTieIntact = async (client: OfficialClient, original: TieService): Promise<void> => {
        assert.deepEqual(await tieServices(client), [original]);
        const answer = await lookUpNotepad(client);
        assert.equal(answer.sourceClientId, fabricIdentities(fabric).simulator.sha1, 'answered by the simulator');
        assert.equal(answer.serviceId, original.serviceGuid);
      };

      it("refuses a registration under the simulator's serviceGuid, on TIE's topics or any other, and TIE answers as before", async () => {
        const hijackers = [await connect(), await connect()];
        const [original] = await tieServices(hijackers[0]);
        assert.equal(original.clientGuid, fabricIdentities(fabric).simulator.sha1);
        // One client per attempt: the official client keeps a service it registered, refused or not.
        for (const [index, topics] of [[TieTopic.GET_FILE_REPUTATION], ['/hijack/elsewhere']].entries()) {
          const refusal = await registerUnderGuid(hijackers[index], original.serviceGuid, topics);
          assert.match(String(refusal?.message), /register refused: the service is registered by another client/);
        }
        await assertTieIntact(hijackers[0], original);
        // Their leaving (which would take their registrations with them) leaves TIE alone.
        await Promise.all(hijackers.map(disconnectOfficialClient));
        await assertTieIntact(await connect(), original);
        assert.equal(logLines.filter((line) => line.startsWith(`refused to register service ${original.serviceGuid}`)).length, 1);
      });

      it("removes nothing for an 'unable to locate service' naming the simulator's service, nor for requests that reach nobody", async () => {
        const attacker = await connect();
        const [original] = await tieServices(attacker);
        sendErrorNaming(attacker, original.serviceGuid, SERVICE_UNAVAILABLE);
        // Addressed to an instance that does not exist, and routed by serviceId to a topic TIE does not serve.
        const addressed = await addressedRequest(attacker, TieTopic.GET_FILE_REPUTATION, {
          serviceId: original.serviceGuid,
          clientIds: ['{nobody}'],
          brokerIds: [fabric.brokerId],
        });
        const misdirected = await addressedRequest(attacker, '/not/a/tie/topic', { serviceId: original.serviceGuid });
        for (const outcome of [addressed, misdirected]) {
          assert.equal((outcome as { dxlErrorResponse?: { errorCode: number } }).dxlErrorResponse?.errorCode, SERVICE_UNAVAILABLE);
        }
        await assertTieIntact(attacker, original);
      });
    });
  }

  describe('with the default policy', () => {
    let fabric: RunningFabric;
    let dataDir: string;
    let simulator: TieSimulator | undefined;
    const clients: OfficialClient[] = [];

    before(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-fabric-default-policy-'));
      fabric = await startFabric({
        port: 0,
        dataDir,
        simulator: async (dxl) => {
          simulator = new TieSimulator(dxl);
          await simulator.start();
          return simulator;
        },
      });
    });
    after(async () => {
      await Promise.all(clients.splice(0).map(closeOfficialClient));
      await fabric?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const connect = async (): Promise<OfficialClient> => {
      const client = await connectOfficialClient(fabricIdentities(fabric).client, { host: '127.0.0.1', port: fabric.port });
      clients.push(client);
      return client;
    };

    it('refuses a TIE service of anyone but the simulator, and lets everyone send TIE requests', async () => {
      const other = await connect();
      await assert.rejects(
        registerOfficialService(other, '/mcafee/service/tie', { [TieTopic.GET_FILE_REPUTATION]: () => '{"reputations": []}' }),
        /register refused: requestChannels\[0\] is a topic the topic policy does not let this client receive/,
      );
      const response = await officialRequest(
        other,
        TieTopic.GET_FILE_REPUTATION,
        JSON.stringify({ hashes: [{ type: 'md5', value: 'AAAAAAAAAAAAAAAAAAAAAA==' }] }),
      );
      assert.equal(response.sourceClientId, fabricIdentities(fabric).simulator.sha1);
    });

    it("drops another client's TIE events and delivers the simulator's", async () => {
      const forger = await connect();
      const seen: string[] = [];
      // Under /mcafee/event/ rather than on the detection topic: the subscription's probe event must be one anyone may send.
      await subscribeOfficial(await connect(), '/mcafee/event/#', (event) => {
        if (event.destinationTopic === TieTopic.FILE_DETECTION_EVENT) seen.push((JSON.parse(payloadText(event)) as { name: string }).name);
        if (event.destinationTopic === MARKER_TOPIC) seen.push('marker');
      });
      officialEvent(forger, TieTopic.FILE_DETECTION_EVENT, JSON.stringify({ name: 'FORGED.EXE', hashes: [] }));
      // One connection's messages keep their order: once its marker is in, its detection would have been too.
      officialEvent(forger, MARKER_TOPIC, 'after the forged detection');
      await eventually(() => seen.includes('marker'), 'the marker', 10_000);
      await simulator!.publishDetection({ name: 'REAL.EXE' });
      await eventually(() => seen.includes('REAL.EXE'), "the simulator's detection", 10_000);
      assert.deepEqual(seen, ['marker', 'REAL.EXE']);
    });
  });
});
