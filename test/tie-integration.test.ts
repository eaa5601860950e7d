/**
 * The TIE layer against code no one here wrote, over real brokers (the embedded fabric and
 * Mosquitto, both over mutual TLS): the official @opendxl/dxl-tie-client against our simulator,
 * and our TieClient against a TIE service written with the official @opendxl/dxl-client.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DxlClient } from '../src/dxl/client';
import { DxlErrorCode } from '../src/dxl/errors';
import { type RunningFabric, startFabric } from '../src/fabric';
import { TieSimulator } from '../src/fabric/tie-simulator';
import { FileType, TieClient, TieTopic, TrustLevel, toWireHashes } from '../src/tie';
import type { DetectionEvent, FirstInstanceEvent, ReputationChangeEvent } from '../src/tie';
import { certificateTarget, fileTarget } from '../src/tie/hashes';
import { type MosquittoBroker, requireMosquitto, startMosquitto } from '../test-kit/mosquitto';
import {
  type OfficialClient,
  type OfficialMessage,
  type OfficialRequestError,
  closeOfficialClient,
  connectOfficialClient,
  officialEvent,
  subscribeOfficial,
} from './support/official-client';
import { ourClient } from './support/our-client';
import { testPki } from '../test-kit/pki-fixture';
import {
  CERT1,
  EICAR,
  NOTEPAD,
  SAMPLE_CERT,
  SAMPLE_certRepChange,
  SAMPLE_detectionUnitTest,
  SAMPLE_firstInstanceUnitTest,
  SAMPLE_repChangeUnitTest,
  SAMPLE_wireExamples,
} from './support/tie-samples';

// ---- the official clients, typed as far as these tests use them ----

type Callback<T> = (error: OfficialRequestError | null, result: T) => void;

interface OfficialTieClient {
  getFileReputation(callback: Callback<Record<string, unknown>>, hashes: Record<string, string>): void;
  getCertificateReputation(callback: Callback<Record<string, unknown>>, sha1: string, publicKeySha1?: string): void;
  setFileReputation(
    callback: (error: OfficialRequestError | null) => void,
    trustLevel: number,
    hashes: Record<string, string>,
    filename?: string,
    comment?: string,
  ): void;
  setCertificateReputation(
    callback: (error: OfficialRequestError | null) => void,
    trustLevel: number,
    sha1: string,
    publicKeySha1?: string,
    comment?: string,
  ): void;
  getFileFirstReferences(callback: Callback<unknown[]>, hashes: Record<string, string>, queryLimit?: number): void;
  getCertificateFirstReferences(callback: Callback<unknown[]>, sha1: string, publicKeySha1?: string, queryLimit?: number): void;
  addFileReputationChangeCallback(fn: (event: ReputationChangeEvent, original: OfficialMessage) => void): void;
  addCertificateReputationChangeCallback(fn: (event: ReputationChangeEvent, original: OfficialMessage) => void): void;
  addFileDetectionCallback(fn: (event: DetectionEvent, original: OfficialMessage) => void): void;
  addFileFirstInstanceCallback(fn: (event: FirstInstanceEvent, original: OfficialMessage) => void): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TieClient: OfficialTieClient } = require('@opendxl/dxl-tie-client') as {
  TieClient: new (client: OfficialClient) => OfficialTieClient;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const officialDxl = require('@opendxl/dxl-client') as {
  ServiceRegistrationInfo: new (
    client: OfficialClient,
    serviceType: string,
  ) => {
    addTopic(topic: string, callback: (request: OfficialMessage) => void): void;
  };
  Response: new (request: OfficialMessage) => { payload: string };
  ErrorResponse: new (request: OfficialMessage, code: number, message: string) => object;
};

function call<T>(invoke: (callback: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => invoke((error, result) => (error ? reject(error) : resolve(result))));
}

/** Resolves once every subscription the official client asked for so far is live at the broker. */
async function officialSubscriptionsLive(client: OfficialClient): Promise<void> {
  await subscribeOfficial(client, `/tie-test/probe/${Math.random()}`, () => undefined);
}

function defer<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

// ---- brokers ----

interface Broker {
  name: string;
  /** Our DxlClient on this broker, connected. */
  ourClient(): Promise<DxlClient>;
  officialClient(): Promise<OfficialClient>;
  /** Plain MQTT brokers never acknowledge service registrations. */
  acknowledgesRegistration: boolean;
  close(): Promise<void>;
}

async function embeddedFabric(): Promise<Broker> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-integration-fabric-'));
  const fabric: RunningFabric = await startFabric({ port: 0, dataDir, simulator: false });
  const files = { caFile: fabric.files.caCert, certFile: fabric.files.clientCert, keyFile: fabric.files.clientKey };
  return {
    name: 'the embedded fabric',
    acknowledgesRegistration: true,
    async ourClient() {
      const client = new DxlClient({
        brokers: [{ host: '127.0.0.1', port: fabric.port }],
        ca: fs.readFileSync(files.caFile),
        cert: fs.readFileSync(files.certFile),
        key: fs.readFileSync(files.keyFile),
        logger: { warn: () => undefined },
      });
      await client.connect({ timeoutMs: 10_000 });
      return client;
    },
    officialClient: () => connectOfficialClient(files, { host: '127.0.0.1', port: fabric.port }),
    async close() {
      await fabric.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function mosquitto(binary: string): Promise<Broker> {
  const broker: MosquittoBroker = await startMosquitto(binary);
  const pki = testPki();
  const files = { caFile: pki.files.caCert, certFile: pki.files.clientCert, keyFile: pki.files.clientKey };
  return {
    name: 'Mosquitto',
    acknowledgesRegistration: false,
    async ourClient() {
      const client = ourClient([{ host: broker.host, port: broker.port }], { registrationTimeoutMs: 300 });
      await client.connect({ timeoutMs: 10_000 });
      return client;
    },
    officialClient: () => connectOfficialClient(files, broker),
    close: () => broker.stop(),
  };
}

const BROKERS: Array<{ name: string; start(context: Mocha.Context): Promise<Broker> }> = [
  { name: 'the embedded fabric', start: () => embeddedFabric() },
  { name: 'Mosquitto', start: (context) => mosquitto(requireMosquitto(context)) },
];

for (const brokerKind of BROKERS) {
  describe(`TIE over ${brokerKind.name}`, function () {
    this.timeout(30_000);
    let broker: Broker;
    /** Closed after each inner suite, so that no service of one suite answers in the next. */
    const closers: Array<() => Promise<unknown>> = [];
    const closeAll = async (): Promise<void> => {
      for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    };

    before(async function () {
      broker = await brokerKind.start(this);
    });
    after(async () => {
      await closeAll();
      await broker?.close();
    });

    describe('the official @opendxl/dxl-tie-client against our TIE simulator', () => {
      let simulator: TieSimulator;
      let official: OfficialClient;
      let tie: OfficialTieClient;
      let dataDir: string;

      before(async () => {
        dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-integration-sim-'));
        const serviceClient = await broker.ourClient();
        closers.push(() => serviceClient.close());
        simulator = new TieSimulator(serviceClient, { dataDir });
        await simulator.start();
        closers.push(async () => {
          await simulator.close();
          fs.rmSync(dataDir, { recursive: true, force: true });
        });
        official = await broker.officialClient();
        closers.push(() => closeOfficialClient(official));
        tie = new OfficialTieClient(official);
      });
      after(closeAll);

      it('gets file reputations: notepad.exe and EICAR as the Python tests expect them', async () => {
        assert.deepEqual(await call((cb) => tie.getFileReputation(cb, NOTEPAD.hex)), NOTEPAD.reputations);
        const eicar = (await call<Record<string, unknown>>((cb) => tie.getFileReputation(cb, EICAR.hex))) as Record<
          string,
          { trustLevel: number }
        >;
        assert.deepEqual([eicar['1'].trustLevel, eicar['3'].trustLevel], [1, 0]);
      });

      it('gets certificate reputations with and without the public key', async () => {
        assert.deepEqual(
          await call((cb) => tie.getCertificateReputation(cb, SAMPLE_CERT.sha1, SAMPLE_CERT.publicKeySha1)),
          SAMPLE_CERT.reputations,
        );
        assert.deepEqual(await call((cb) => tie.getCertificateReputation(cb, SAMPLE_CERT.sha1)), SAMPLE_CERT.reputations);
      });

      it('gets first references, honouring the query limit', async () => {
        assert.deepEqual(await call((cb) => tie.getFileFirstReferences(cb, NOTEPAD.hex)), NOTEPAD.agents);
        assert.deepEqual(await call((cb) => tie.getFileFirstReferences(cb, NOTEPAD.hex, 2)), NOTEPAD.agents.slice(0, 2));
        assert.deepEqual(
          await call((cb) => tie.getCertificateFirstReferences(cb, SAMPLE_CERT.sha1, SAMPLE_CERT.publicKeySha1, 1)),
          SAMPLE_CERT.agents.slice(0, 1),
        );
      });

      it('sets a file reputation, gets it back, and its callback receives our reputation-change event', async () => {
        const changed = defer<{ event: ReputationChangeEvent; topic: string }>();
        tie.addFileReputationChangeCallback((event, original) => {
          if (event.hashes?.md5 === EICAR.hex.md5) changed.resolve({ event, topic: original.destinationTopic });
        });
        await officialSubscriptionsLive(official);
        await call<void>((cb) =>
          tie.setFileReputation(
            (error) => cb(error, undefined),
            TrustLevel.MOST_LIKELY_MALICIOUS,
            EICAR.hex,
            'EICAR',
            'set by the official client',
          ),
        );
        const after = (await call<Record<string, unknown>>((cb) => tie.getFileReputation(cb, EICAR.hex))) as Record<
          string,
          { trustLevel: number }
        >;
        assert.equal(after['3'].trustLevel, 15);
        const { event, topic } = await changed.promise;
        assert.equal(topic, TieTopic.FILE_REPUTATION_CHANGE_EVENT);
        assert.deepEqual(event.hashes, EICAR.hex);
        assert.equal(event.oldReputations?.[3].trustLevel, 0);
        assert.equal(event.newReputations?.[3].trustLevel, 15);
        assert.equal(event.newReputations?.[1].trustLevel, 1);
        assert.equal(typeof event.updateTime, 'number');
      });

      it('sets a certificate reputation; the certificate callback gets the hex public key', async () => {
        const changed = defer<ReputationChangeEvent>();
        tie.addCertificateReputationChangeCallback((event) => changed.resolve(event));
        await officialSubscriptionsLive(official);
        await call<void>((cb) =>
          tie.setCertificateReputation((error) => cb(error, undefined), TrustLevel.MOST_LIKELY_TRUSTED, CERT1.sha1, CERT1.publicKeySha1),
        );
        const after = (await call<Record<string, unknown>>((cb) =>
          tie.getCertificateReputation(cb, CERT1.sha1, CERT1.publicKeySha1),
        )) as Record<string, { trustLevel: number }>;
        assert.equal(after['4'].trustLevel, 85);
        const event = await changed.promise;
        assert.deepEqual(event.hashes, { sha1: CERT1.sha1 });
        assert.equal(event.publicKeySha1, CERT1.publicKeySha1);
        assert.deepEqual([event.oldReputations?.[4].trustLevel, event.newReputations?.[4].trustLevel], [0, 85]);
      });

      it('receives our detection and first-instance events in its callbacks', async () => {
        const detected = defer<DetectionEvent>();
        const first = defer<FirstInstanceEvent>();
        tie.addFileDetectionCallback((event) => detected.resolve(event));
        tie.addFileFirstInstanceCallback((event) => first.resolve(event));
        await officialSubscriptionsLive(official);
        await simulator.publishDetection({ hashes: EICAR.hex, name: 'EICAR.COM', agentGuid: '{agent-1}' });
        const sent = await simulator.publishFirstInstance({ name: 'NEW.EXE', agentGuid: '{agent-2}' });
        const detection = await detected.promise;
        assert.deepEqual(
          [detection.hashes, detection.name, detection.agentGuid, detection.localReputation],
          [EICAR.hex, 'EICAR.COM', '{agent-1}', 1],
        );
        const instance = await first.promise;
        assert.equal(instance.name, 'NEW.EXE');
        assert.equal(instance.hashes?.sha256, Buffer.from(sent.hashes[2].value, 'base64').toString('hex'));
        // The new file is now known, with that first reference.
        const refs = (await call<unknown[]>((cb) => tie.getFileFirstReferences(cb, instance.hashes as Record<string, string>))) as Array<{
          agentGuid: string;
        }>;
        assert.deepEqual(
          refs.map((r) => r.agentGuid),
          ['{agent-2}'],
        );
      });

      it('gets an error response, not silence, for a request the simulator refuses', async () => {
        const error = await call<void>((cb) => tie.setFileReputation((e) => cb(e, undefined), 42, NOTEPAD.hex)).then(
          () => assert.fail('the set was accepted'),
          (e: OfficialRequestError) => e,
        );
        assert.equal(error.message, 'Unknown trust level 42: expected one of 100, 99, 85, 70, 50, 30, 15, 1, 0');
        assert.equal(error.dxlErrorResponse.errorCode, 0);
      });

      it('our TieClient sees the same store: external reputation set, then read back as provider 15', async () => {
        const dxl = await broker.ourClient();
        closers.push(() => dxl.close());
        const ours = new TieClient(dxl, { requestTimeoutMs: 5000 });
        await ours.setExternalFileReputation(TrustLevel.MIGHT_BE_TRUSTED, NOTEPAD.hex, FileType.PEEXE, 'notepad.exe');
        let external: number | undefined;
        const deadline = Date.now() + 5000;
        while (external === undefined && Date.now() < deadline) {
          const reps = (await call<Record<string, unknown>>((cb) => tie.getFileReputation(cb, NOTEPAD.hex))) as Record<
            string,
            { trustLevel: number }
          >;
          external = reps['15']?.trustLevel;
          if (external === undefined) await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal(external, 70);
        await ours.close();
      });
    });

    describe('our TieClient against a TIE service written with the official @opendxl/dxl-client', () => {
      let service: OfficialClient;
      let dxl: DxlClient;
      let tie: TieClient;
      const received: Array<{ topic: string; payload: unknown }> = [];

      before(async () => {
        service = await broker.officialClient();
        closers.push(() => closeOfficialClient(service));
        const info = new officialDxl.ServiceRegistrationInfo(service, '/mcafee/service/tie');
        const answer = (
          request: OfficialMessage,
          build: (payload: { hashes?: Array<{ type: string; value: string }> }) => string | undefined,
        ): void => {
          const payload = JSON.parse(String(request.payload)) as { hashes?: Array<{ type: string; value: string }> };
          received.push({ topic: request.destinationTopic, payload });
          const body = build(payload);
          if (body === undefined) {
            service.sendResponse(new officialDxl.ErrorResponse(request, 0, 'Could not find reputation'));
            return;
          }
          const response = new officialDxl.Response(request);
          response.payload = body;
          service.sendResponse(response);
        };
        const isNotepad = (payload: { hashes?: Array<{ type: string; value: string }> }): boolean =>
          (payload.hashes ?? []).every((h) => h.value === (NOTEPAD.base64 as Record<string, string>)[h.type]);
        info.addTopic(TieTopic.GET_FILE_REPUTATION, (request) =>
          answer(request, (p) =>
            isNotepad(p)
              ? JSON.stringify({ props: { serverTime: 1, submitMetaData: 1 }, reputations: Object.values(NOTEPAD.reputations) })
              : undefined,
          ),
        );
        info.addTopic(TieTopic.GET_CERT_REPUTATION, (request) =>
          answer(request, () => JSON.stringify({ props: { serverTime: 1 }, reputations: Object.values(SAMPLE_CERT.reputations) })),
        );
        info.addTopic(TieTopic.SET_FILE_REPUTATION, (request) => answer(request, () => ''));
        info.addTopic(TieTopic.GET_FILE_FIRST_REFERENCES, (request) => answer(request, () => JSON.stringify({ agents: NOTEPAD.agents })));
        const registered = new Promise<void>((resolve, reject) =>
          (service as unknown as { registerServiceAsync(i: object, cb: (e: Error | null) => void): void }).registerServiceAsync(
            info,
            (e) => (e ? reject(e) : resolve()),
          ),
        );
        dxl = await broker.ourClient();
        closers.push(() => dxl.close());
        tie = new TieClient(dxl, { requestTimeoutMs: 300 });
        if (broker.acknowledgesRegistration) {
          await registered;
        } else {
          // A plain broker never answers the registration: wait until the service's subscription is live.
          const deadline = Date.now() + 10_000;
          for (;;) {
            const answered = await tie.getFileReputation(NOTEPAD.hex).then(
              () => true,
              (e: { code?: string }) => e.code !== DxlErrorCode.Timeout,
            );
            if (answered) break;
            if (Date.now() > deadline) throw new Error('the official service never answered');
          }
        }
        tie = new TieClient(dxl, { requestTimeoutMs: 10_000 });
        received.length = 0;
      });
      after(closeAll);

      it('gets file and certificate reputations, sending what the official clients send', async () => {
        assert.deepEqual(await tie.getFileReputation(NOTEPAD.hex), NOTEPAD.reputations);
        assert.deepEqual(await tie.getCertificateReputation(SAMPLE_CERT.sha1, SAMPLE_CERT.publicKeySha1), SAMPLE_CERT.reputations);
        assert.deepEqual(received[0], {
          topic: TieTopic.GET_FILE_REPUTATION,
          payload: SAMPLE_wireExamples.getFileReputationRequest_python,
        });
        assert.deepEqual(received[1], { topic: TieTopic.GET_CERT_REPUTATION, payload: SAMPLE_wireExamples.getCertReputationRequest });
      });

      it('passes the service error response through as a DxlError', async () => {
        await assert.rejects(tie.getFileReputation(EICAR.hex), (error: { code: string; fabricCode: number; message: string }) => {
          assert.equal(error.code, DxlErrorCode.ErrorResponse);
          assert.equal(error.fabricCode, 0);
          assert.match(error.message, /^Could not find reputation/);
          return true;
        });
      });

      it('sets a file reputation and gets first references', async () => {
        received.length = 0;
        await tie.setReputation(fileTarget(NOTEPAD.hex), TrustLevel.MOST_LIKELY_TRUSTED, 'notepad.exe', 'Reputation set via OpenDXL');
        assert.deepEqual(received[0].payload, SAMPLE_wireExamples.setFileReputationRequest_python);
        assert.deepEqual(await tie.getFirstReferences(fileTarget(NOTEPAD.hex)), NOTEPAD.agents);
        assert.deepEqual(received[1].payload, SAMPLE_wireExamples.getFileFirstRefsRequest);
      });

      it('answers DXL_SERVICE_UNAVAILABLE or times out for a topic nobody serves', async () => {
        const quick = new TieClient(dxl, { requestTimeoutMs: 500 });
        const expected = broker.acknowledgesRegistration ? DxlErrorCode.ServiceUnavailable : DxlErrorCode.Timeout;
        await assert.rejects(quick.getFirstReferences(certificateTarget(SAMPLE_CERT.sha1)), { code: expected });
      });

      it('delivers events sent by the official client as the Python callbacks receive them', async () => {
        const repChange = defer<ReputationChangeEvent>();
        const certChange = defer<ReputationChangeEvent>();
        const detection = defer<DetectionEvent>();
        const first = defer<FirstInstanceEvent>();
        const unsubscribes = await Promise.all([
          tie.onFileReputationChange((event) => repChange.resolve(event)),
          tie.onCertificateReputationChange((event) => certChange.resolve(event)),
          tie.onFileDetection((event) => detection.resolve(event)),
          tie.onFileFirstInstance((event) => first.resolve(event)),
        ]);
        officialEvent(service, TieTopic.FILE_REPUTATION_CHANGE_EVENT, JSON.stringify(SAMPLE_repChangeUnitTest.raw));
        officialEvent(service, TieTopic.CERT_REPUTATION_CHANGE_EVENT, JSON.stringify(SAMPLE_certRepChange.raw));
        officialEvent(service, TieTopic.FILE_DETECTION_EVENT, JSON.stringify(SAMPLE_detectionUnitTest.raw));
        officialEvent(service, TieTopic.FILE_FIRST_INSTANCE_EVENT, JSON.stringify(SAMPLE_firstInstanceUnitTest.raw));
        assert.deepEqual(await repChange.promise, SAMPLE_repChangeUnitTest.transformed);
        assert.deepEqual(await certChange.promise, SAMPLE_certRepChange.transformed);
        assert.deepEqual(await detection.promise, SAMPLE_detectionUnitTest.transformed);
        assert.deepEqual(await first.promise, SAMPLE_firstInstanceUnitTest.transformed);
        await Promise.all(unsubscribes.map((unsubscribe) => unsubscribe()));
      });

      it('unsubscribe leaves no subscription behind and stops delivery', async () => {
        const baseline = dxl.subscriptionCount;
        const events: ReputationChangeEvent[] = [];
        const cached = new TieClient(dxl, { cache: { ttlMs: 60_000 } });
        const unsubscribe = await tie.onFileReputationChange((event) => events.push(event));
        await cached.getFileReputation(NOTEPAD.hex); // subscribes to both rep-change topics for invalidation
        assert.equal(dxl.subscriptionCount, baseline + 2);
        await unsubscribe();
        await cached.close();
        assert.equal(dxl.subscriptionCount, baseline);
        // Another client on the same broker proves the broker still delivers the topic.
        const witness = await broker.officialClient();
        closers.push(() => closeOfficialClient(witness));
        const seen = defer<void>();
        await subscribeOfficial(witness, TieTopic.FILE_REPUTATION_CHANGE_EVENT, () => seen.resolve());
        officialEvent(service, TieTopic.FILE_REPUTATION_CHANGE_EVENT, JSON.stringify(SAMPLE_repChangeUnitTest.raw));
        await seen.promise;
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(events.length, 0);
      });

      it('a cached lookup is dropped by a reputation-change event from the service', async () => {
        const cached = new TieClient(dxl, { cache: { ttlMs: 60_000 }, requestTimeoutMs: 10_000 });
        received.length = 0;
        await cached.getFileReputation(NOTEPAD.hex);
        await cached.getFileReputation(NOTEPAD.hex);
        assert.equal(received.length, 1);
        const change = { ...SAMPLE_repChangeUnitTest.raw, hashes: toWireHashes({ sha1: NOTEPAD.hex.sha1 }) };
        const delivered = defer<void>();
        const unsubscribe = await tie.onFileReputationChange(() => delivered.resolve());
        officialEvent(service, TieTopic.FILE_REPUTATION_CHANGE_EVENT, JSON.stringify(change));
        await delivered.promise;
        await unsubscribe();
        await cached.getFileReputation(NOTEPAD.hex);
        assert.equal(received.length, 2);
        await cached.close();
      });
    });
  });
}
