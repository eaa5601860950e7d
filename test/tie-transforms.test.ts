import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  TieClient,
  TieErrorCode,
  TieTopic,
  transformDetectionEvent,
  transformFirstInstanceEvent,
  transformFirstReferencesResponse,
  transformReputationChangeEvent,
  transformReputationResponse,
  transformReputations,
} from '../src/tie';
import type { DetectionEvent, FirstInstanceEvent, ReputationChangeEvent } from '../src/tie';
import { LoopbackDxl, settle } from './support/tie-loopback';
import {
  NOTEPAD,
  SAMPLE_certRepChange,
  SAMPLE_detectionDocs,
  SAMPLE_detectionUnitTest,
  SAMPLE_docstringTransformed,
  SAMPLE_firstInstanceDocs,
  SAMPLE_firstInstanceUnitTest,
  SAMPLE_getFileResponse,
  SAMPLE_notepadWire,
  SAMPLE_overridden,
  SAMPLE_repChangeUnitTest,
  SAMPLE_wikiTransformed,
  SAMPLE_wikiWire,
} from './support/tie-samples';

const copy = <T>(value: T): T => structuredClone(value);

/** The raw event TIE would have sent for a transformed rep-change dict with these wire hashes. */
function rawRepChange(transformed: { newReputations: object; oldReputations: object; updateTime: number }, wire: object[]): object {
  return {
    hashes: wire,
    newReputations: { reputations: Object.values(transformed.newReputations), props: { serverTime: transformed.updateTime } },
    oldReputations: { reputations: Object.values(transformed.oldReputations), props: { serverTime: transformed.updateTime } },
    updateTime: transformed.updateTime,
  };
}

describe('TIE transforms reproduce the official clients field for field', () => {
  describe('reputation change', () => {
    it('Python test_repchangecallback: hashes, old/new reputations, relationships', () => {
      assert.deepEqual(transformReputationChangeEvent(copy(SAMPLE_repChangeUnitTest.raw)), SAMPLE_repChangeUnitTest.transformed);
    });

    it('certificate event of the fake services: top-level publicKeySha1 becomes hex', () => {
      assert.deepEqual(transformReputationChangeEvent(copy(SAMPLE_certRepChange.raw)), SAMPLE_certRepChange.transformed);
    });

    it("the Python client's reputation-change example: the output printed by on_reputation_change", () => {
      const raw = rawRepChange(SAMPLE_wikiTransformed, SAMPLE_wikiWire);
      assert.deepEqual(transformReputationChangeEvent(raw), SAMPLE_wikiTransformed);
    });

    it("the Python client's callback docs: the example reputation change dict", () => {
      const raw = rawRepChange(SAMPLE_docstringTransformed, SAMPLE_notepadWire);
      assert.deepEqual(transformReputationChangeEvent(raw), SAMPLE_docstringTransformed);
    });

    it('keeps the last reputation of a provider listed twice (the fakes append duplicates)', () => {
      const raw = copy(SAMPLE_certRepChange.raw);
      raw.newReputations.reputations.push({ ...raw.newReputations.reputations[1], trustLevel: 85 });
      const event = transformReputationChangeEvent(raw);
      assert.equal(event.newReputations?.[4]?.trustLevel, 85);
    });

    it('leaves a wrapper without reputations as it is, like the Python client', () => {
      const event = transformReputationChangeEvent({ hashes: [], newReputations: { props: { serverTime: 1 } }, updateTime: 1 });
      assert.deepEqual(event, { hashes: {}, newReputations: { props: { serverTime: 1 } }, updateTime: 1 });
    });
  });

  describe('detection and first instance', () => {
    it('Python test_detectioncallback', () => {
      assert.deepEqual(transformDetectionEvent(copy(SAMPLE_detectionUnitTest.raw)), SAMPLE_detectionUnitTest.transformed);
    });

    it("the Python client's callback docs: the example detection dict (TEST_MALWARE.EXE)", () => {
      const raw = {
        ...copy(SAMPLE_detectionDocs.raw),
        agentGuid: '{68125cd6-a5d8-11e6-348e-000c29663178}',
        detectionTime: 1481301038,
        name: 'TEST_MALWARE.EXE',
      };
      assert.deepEqual(transformDetectionEvent(raw), {
        agentGuid: '{68125cd6-a5d8-11e6-348e-000c29663178}',
        detectionTime: 1481301038,
        hashes: {
          md5: 'eb5e2b9dc51817a086d7b97eb52410ab',
          sha1: '435dfd470f727437c7cb4f07cba1f9a1f4272656',
          sha256: '414bb16b10ece2db2d8448cb9f313f80cb77c310ca0c19ee03c73cba0c16fedb',
        },
        localReputation: 1,
        name: 'TEST_MALWARE.EXE',
        remediationAction: 5,
      });
    });

    it('Python test_firstinstancecallback', () => {
      assert.deepEqual(transformFirstInstanceEvent(copy(SAMPLE_firstInstanceUnitTest.raw)), SAMPLE_firstInstanceUnitTest.transformed);
    });

    it("the Python client's callback docs: the example first instance dict (MORPH.EXE)", () => {
      const raw = { ...copy(SAMPLE_firstInstanceDocs.raw), agentGuid: '{68125cd6-a5d8-11e6-348e-000c29663178}' };
      assert.deepEqual(transformFirstInstanceEvent(raw), SAMPLE_firstInstanceDocs.transformed_docs);
    });
  });

  describe('reputation responses', () => {
    it('keys a get-file-reputation response by provider id and drops props', () => {
      assert.deepEqual(transformReputationResponse(copy(SAMPLE_getFileResponse)), NOTEPAD.reputations);
    });

    it('answers {} for a response without reputations', () => {
      assert.deepEqual(transformReputationResponse({ props: { serverTime: 1 } }), {});
    });

    it('turns the overridden files of a certificate reputation into hex dicts (test_transformreps_withoverrides)', () => {
      const reputations = transformReputations([
        { providerId: 4, trustLevel: 99, createDate: 1, attributes: {}, overridden: copy(SAMPLE_overridden.raw) },
      ]);
      assert.deepEqual(reputations[4].overridden, SAMPLE_overridden.transformed);
    });

    it('keeps unknown fields and attribute ids', () => {
      const reputations = transformReputations([
        { providerId: 3, trustLevel: 0, createDate: 1, attributes: { '2098277': '256' }, extra: 'x' },
      ]);
      assert.deepEqual(reputations, { '3': { providerId: 3, trustLevel: 0, createDate: 1, attributes: { '2098277': '256' }, extra: 'x' } });
    });

    it('refuses payloads that are not TIE reputations', () => {
      assert.throws(() => transformReputationResponse([]), {
        code: TieErrorCode.InvalidResponse,
        message: 'reputation response is not a JSON object',
      });
      assert.throws(() => transformReputationResponse({ reputations: {} }), {
        code: TieErrorCode.InvalidResponse,
        message: 'reputations is not a list',
      });
      assert.throws(() => transformReputationResponse({ reputations: [{ trustLevel: 1 }] }), {
        code: TieErrorCode.InvalidResponse,
        message: 'reputations[0] is not a reputation with a numeric providerId',
      });
    });

    it('first references: the agents list as it is, [] without one, totalCount ignored', () => {
      assert.deepEqual(transformFirstReferencesResponse({ totalCount: 3, agents: copy(NOTEPAD.agents) }), NOTEPAD.agents);
      assert.deepEqual(transformFirstReferencesResponse({}), []);
      assert.throws(() => transformFirstReferencesResponse({ agents: 'x' }), { code: TieErrorCode.InvalidResponse });
    });
  });

  describe('through TieClient subscriptions', () => {
    it('delivers each event kind as the Python callbacks receive it, with the DXL message', async () => {
      const dxl = new LoopbackDxl();
      const tie = new TieClient(dxl);
      const got: {
        repChange?: ReputationChangeEvent;
        cert?: ReputationChangeEvent;
        detection?: DetectionEvent;
        first?: FirstInstanceEvent;
        topic?: string;
      } = {};
      await tie.onFileReputationChange((event, message) => {
        got.repChange = event;
        got.topic = message.destinationTopic;
      });
      await tie.onCertificateReputationChange((event) => (got.cert = event));
      await tie.onFileDetection((event) => (got.detection = event));
      await tie.onFileFirstInstance((event) => (got.first = event));
      // As the broker sends it: JSON, a newline and a NUL at the end.
      dxl.deliver(TieTopic.FILE_REPUTATION_CHANGE_EVENT, `${JSON.stringify(SAMPLE_repChangeUnitTest.raw)}\n\0`);
      dxl.deliver(TieTopic.CERT_REPUTATION_CHANGE_EVENT, JSON.stringify(SAMPLE_certRepChange.raw));
      dxl.deliver(TieTopic.FILE_DETECTION_EVENT, JSON.stringify(SAMPLE_detectionUnitTest.raw));
      dxl.deliver(TieTopic.FILE_FIRST_INSTANCE_EVENT, JSON.stringify(SAMPLE_firstInstanceUnitTest.raw));
      await settle();
      assert.deepEqual(got.repChange, SAMPLE_repChangeUnitTest.transformed);
      assert.equal(got.topic, TieTopic.FILE_REPUTATION_CHANGE_EVENT);
      assert.deepEqual(got.cert, SAMPLE_certRepChange.transformed);
      assert.deepEqual(got.detection, SAMPLE_detectionUnitTest.transformed);
      assert.deepEqual(got.first, SAMPLE_firstInstanceUnitTest.transformed);
    });

    it('reports a malformed event to onEventError and keeps delivering the next ones', async () => {
      const dxl = new LoopbackDxl();
      const errors: Array<{ code?: string; message: string }> = [];
      const tie = new TieClient(dxl, { onEventError: (error) => errors.push(error) });
      const events: DetectionEvent[] = [];
      await tie.onFileDetection((event) => events.push(event));
      dxl.deliver(TieTopic.FILE_DETECTION_EVENT, '{not json');
      dxl.deliver(TieTopic.FILE_DETECTION_EVENT, '{"hashes": "nope"}');
      dxl.deliver(TieTopic.FILE_DETECTION_EVENT, JSON.stringify(SAMPLE_detectionUnitTest.raw));
      assert.equal(errors.length, 2);
      assert.equal(errors[0].code, TieErrorCode.InvalidResponse);
      assert.match(errors[0].message, /^event on \/mcafee\/event\/tie\/file\/detection is not JSON: /);
      assert.equal(errors[1].code, TieErrorCode.InvalidResponse);
      assert.match(errors[1].message, /^hashes is not a list of \{type, value\}: on the wire TIE sends/);
      assert.deepEqual(events, [SAMPLE_detectionUnitTest.transformed]);
    });

    it('unsubscribe removes the handler; close removes the rest', async () => {
      const dxl = new LoopbackDxl();
      const tie = new TieClient(dxl);
      let count = 0;
      const unsubscribe = await tie.onFileFirstInstance(() => count++);
      await tie.onFileDetection(() => count++);
      assert.deepEqual(dxl.subscribedTopics.sort(), [TieTopic.FILE_DETECTION_EVENT, TieTopic.FILE_FIRST_INSTANCE_EVENT]);
      await unsubscribe();
      await unsubscribe();
      dxl.deliver(TieTopic.FILE_FIRST_INSTANCE_EVENT, JSON.stringify(SAMPLE_firstInstanceUnitTest.raw));
      assert.equal(count, 0);
      assert.deepEqual(dxl.subscribedTopics, [TieTopic.FILE_DETECTION_EVENT]);
      await tie.close();
      assert.deepEqual(dxl.subscribedTopics, []);
    });
  });
});

describe('docs/fabric.md: the events to send by hand have the wire shape the event nodes take', () => {
  const docs = fs.readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'fabric.md'), 'utf8');
  const section = docs.slice(docs.indexOf('## Sending TIE events by hand'), docs.indexOf('## Resetting the simulator'));
  const samples = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1]) as Record<string, unknown>);
  const EICAR_MD5 = '44d88612fea8a8f36de82e1278abb02f';

  it("a detection, a first instance and a reputation change, each with EICAR's hashes", () => {
    assert.equal(samples.length, 3, section);
    // The transforms work in place, as the official clients': each gets a copy.
    const [detection, firstInstance, change] = samples.map((sample) => structuredClone(sample));
    assert.equal(transformDetectionEvent(detection).hashes?.md5, EICAR_MD5);
    assert.equal(
      transformDetectionEvent(structuredClone(samples[0])).hashes?.sha256,
      '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f',
    );
    assert.equal(transformFirstInstanceEvent(firstInstance).hashes?.md5, EICAR_MD5);
    const transformed = transformReputationChangeEvent(change);
    assert.equal(transformed.hashes?.md5, EICAR_MD5);
    assert.equal(transformed.newReputations?.[3]?.trustLevel, 1);
    assert.equal(transformed.oldReputations?.[3]?.trustLevel, 0);
  });

  it('the hex dict the nodes output is refused with a message that names the wire shape', () => {
    assert.throws(() => transformDetectionEvent({ hashes: { md5: EICAR_MD5 } }), {
      code: TieErrorCode.InvalidResponse,
      message:
        /hashes is not a list of \{type, value\}: on the wire TIE sends \[\{"type": "md5", "value": "<the hash bytes in base64>"\}\]/,
    });
  });
});
