import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DxlErrorCode } from '../src/dxl/errors';
import { TieSimulator, type TieSimulatorOptions } from '../src/fabric/tie-simulator';
import { FileType, TieClient, TieTopic, TrustLevel, computeVerdict, toWireHashes } from '../src/tie';
import type { DetectionEvent, FirstInstanceEvent, ReputationChangeEvent } from '../src/tie';
import { LoopbackDxl, settle } from './support/tie-loopback';
import { rejectsWith } from './support/rejects-with';
import { ALL_ZERO, CERT1, EICAR, NOTEPAD, SAMPLE_CERT, UNKNOWN_FILE } from './support/tie-samples';
import { certificateTarget, fileTarget } from '../src/tie/hashes';

const NOW = 1700000000;

async function startSimulator(options: TieSimulatorOptions = {}) {
  const dxl = new LoopbackDxl();
  const errors: Error[] = [];
  const simulator = new TieSimulator(dxl, { clock: () => NOW, onError: (e) => errors.push(e), ...options });
  await simulator.start();
  return { dxl, simulator, tie: new TieClient(dxl), errors };
}

/** Sends a raw request and returns the raw response text, or the error's code and message. */
async function raw(
  dxl: LoopbackDxl,
  topic: string,
  payload: string,
): Promise<string | { code: string; message: string; fabricCode?: number }> {
  try {
    return (await dxl.request(topic, payload)).payload.toString('utf8');
  } catch (error) {
    const e = error as { code: string; message: string; fabricCode?: number };
    return { code: e.code, message: e.message, fabricCode: e.fabricCode };
  }
}

describe('TIE simulator (in process)', () => {
  describe('seeded store: the expectations of the Python client tests', () => {
    it('notepad.exe GTI 99 / Enterprise 0; EICAR GTI 1 / Enterprise 0', async () => {
      const { tie } = await startSimulator();
      assert.deepEqual(await tie.getFileReputation(NOTEPAD.hex), NOTEPAD.reputations);
      assert.deepEqual(await tie.getFileReputation({ md5: NOTEPAD.hex.md5 }), NOTEPAD.reputations);
      const eicar = await tie.getFileReputation(EICAR.hex);
      assert.deepEqual([eicar[1].trustLevel, eicar[3].trustLevel], [1, 0]);
    });

    it('certificates with and without the public key (the Python mock never answered without)', async () => {
      const { tie } = await startSimulator();
      assert.deepEqual(await tie.getCertificateReputation(SAMPLE_CERT.sha1, SAMPLE_CERT.publicKeySha1), SAMPLE_CERT.reputations);
      assert.deepEqual(await tie.getCertificateReputation(SAMPLE_CERT.sha1), SAMPLE_CERT.reputations);
      const cert1 = await tie.getCertificateReputation(CERT1.sha1, CERT1.publicKeySha1);
      assert.deepEqual([cert1[2].trustLevel, cert1[4].trustLevel], [99, 0]);
    });

    it('first references honour the query limit; totalCount is the full count', async () => {
      const { dxl, tie } = await startSimulator();
      assert.deepEqual(await tie.getFirstReferences(fileTarget(NOTEPAD.hex)), NOTEPAD.agents);
      assert.deepEqual(await tie.getFirstReferences(fileTarget(NOTEPAD.hex), 2), NOTEPAD.agents.slice(0, 2));
      assert.deepEqual(
        await tie.getFirstReferences(certificateTarget(SAMPLE_CERT.sha1, SAMPLE_CERT.publicKeySha1), 1),
        SAMPLE_CERT.agents.slice(0, 1),
      );
      const text = await raw(dxl, TieTopic.GET_FILE_FIRST_REFERENCES, JSON.stringify({ queryLimit: 1, hashes: toWireHashes(NOTEPAD.hex) }));
      assert.deepEqual(JSON.parse(text as string), { totalCount: 3, agents: NOTEPAD.agents.slice(0, 1) });
      assert.deepEqual(await tie.getFirstReferences(fileTarget(EICAR.hex)), []);
    });

    it('answers a get like TIE: props with serverTime, attribute values as strings', async () => {
      const { dxl } = await startSimulator();
      // Python sends scanType; the base client's sample sent agentGuid: both are ignored. A trailing NUL too.
      const text = await raw(
        dxl,
        TieTopic.GET_FILE_REPUTATION,
        `${JSON.stringify({ hashes: toWireHashes(NOTEPAD.hex), scanType: 3, agentGuid: 'x' })}\0`,
      );
      const response = JSON.parse(text as string) as { props?: unknown; reputations: unknown[] };
      assert.deepEqual(response.props, { serverTime: NOW, submitMetaData: 1 });
      assert.equal(response.reputations.length, 2);
    });
  });

  describe('unseen files and certificates', () => {
    it('synthesize mode: GTI without verdict, Enterprise NOT_SET, first contact now', async () => {
      const { tie } = await startSimulator({ enterpriseSize: 42 });
      const reps = await tie.getFileReputation(ALL_ZERO);
      assert.ok([0, 50].includes(reps[1].trustLevel));
      assert.deepEqual(reps[1].attributes, { '2120340': '0' });
      assert.equal(reps[3].trustLevel, 0);
      const verdict = computeVerdict(reps);
      assert.equal(verdict.definitive, false);
      assert.deepEqual(verdict.enterprise, {
        serverVersion: '1.4.0.190',
        firstContact: new Date(NOW * 1000).toISOString(),
        prevalence: 0,
        enterpriseSize: 42,
        fileNameCount: 1,
      });
      assert.deepEqual(await tie.getFileReputation(ALL_ZERO), reps, 'stable across lookups');
      const cert = await tie.getCertificateReputation('1'.repeat(40));
      assert.deepEqual(Object.keys(cert), ['2', '4']);
      assert.deepEqual(await tie.getFirstReferences(fileTarget(ALL_ZERO)), []);
    });

    it('not-found mode: "Could not find reputation" (code 0) as the mock servers', async () => {
      const { tie } = await startSimulator({ unknownItems: 'not-found' });
      const notFound = async (promise: Promise<unknown>): Promise<void> => {
        await assert.rejects(promise, (e: { code: string; message: string; fabricCode: number }) => {
          assert.deepEqual([e.code, e.message, e.fabricCode], [DxlErrorCode.ErrorResponse, 'Could not find reputation', 0]);
          return true;
        });
      };
      await notFound(tie.getFileReputation(ALL_ZERO));
      await notFound(tie.getCertificateReputation(ALL_ZERO.sha1, ALL_ZERO.sha1));
      await notFound(tie.getFirstReferences(fileTarget(ALL_ZERO)));
      await notFound(tie.getFirstReferences(certificateTarget(ALL_ZERO.sha1)));
      // Known hashes that disagree (notepad md5 with EICAR sha1) identify no file.
      await notFound(tie.getFileReputation({ md5: NOTEPAD.hex.md5, sha1: EICAR.hex.sha1 }));
    });
  });

  describe('sets and reputation-change events', () => {
    it('set file reputation changes later gets and announces the change once', async () => {
      const { tie } = await startSimulator();
      const events: ReputationChangeEvent[] = [];
      await tie.onFileReputationChange((event) => events.push(event));
      await tie.setReputation(fileTarget(NOTEPAD.hex), TrustLevel.MOST_LIKELY_TRUSTED, 'notepad.exe', 'set by a test');
      assert.equal((await tie.getFileReputation(NOTEPAD.hex))[3].trustLevel, 85);
      await settle();
      assert.equal(events.length, 1);
      const [event] = events;
      assert.deepEqual(event.hashes, NOTEPAD.hex);
      assert.equal(event.oldReputations?.[3].trustLevel, 0);
      assert.equal(event.newReputations?.[3].trustLevel, 85);
      assert.equal(event.newReputations?.[3].createDate, NOW);
      assert.deepEqual(event.newReputations?.[1], NOTEPAD.reputations['1']);
      assert.equal(event.updateTime, NOW);
      assert.equal(event.relationships?.certificate?.publicKeySha1, '435dfd470f727437c7cb4f07cba1f9a1f4272656');
      assert.equal(event.relationships?.certificate?.hashes?.md5, '31dbe8cc443d2ca7fd236ac00a52fb17');
      // The same level again: nothing changed, nothing announced.
      await tie.setReputation(fileTarget(NOTEPAD.hex), TrustLevel.MOST_LIKELY_TRUSTED);
      await settle();
      assert.equal(events.length, 1);
    });

    it('set certificate reputation: the event carries sha1 in hashes and publicKeySha1 at the top', async () => {
      const { tie } = await startSimulator();
      const events: ReputationChangeEvent[] = [];
      await tie.onCertificateReputationChange((event) => events.push(event));
      await tie.setReputation(certificateTarget(CERT1.sha1, CERT1.publicKeySha1), TrustLevel.MOST_LIKELY_TRUSTED);
      assert.equal((await tie.getCertificateReputation(CERT1.sha1, CERT1.publicKeySha1))[4].trustLevel, 85);
      await settle();
      assert.equal(events.length, 1);
      assert.deepEqual(events[0].hashes, { sha1: CERT1.sha1 });
      assert.equal(events[0].publicKeySha1, CERT1.publicKeySha1);
      assert.deepEqual([events[0].oldReputations?.[4].trustLevel, events[0].newReputations?.[4].trustLevel], [0, 85]);
    });

    it('a set on an unseen file creates it; its first references are empty', async () => {
      const { tie } = await startSimulator();
      const hashes = { sha256: 'ab'.repeat(32) };
      await tie.setReputation(fileTarget(hashes), TrustLevel.KNOWN_MALICIOUS, 'bad.exe');
      const reps = await tie.getFileReputation(hashes);
      assert.equal(reps[3].trustLevel, 1);
      assert.equal(computeVerdict(reps).basis, 'enterprise-override');
      assert.deepEqual(await tie.getFirstReferences(fileTarget(hashes)), []);
      // The file learns an md5 given later with its sha256.
      await tie.setReputation(fileTarget({ ...hashes, md5: 'cd'.repeat(16) }), TrustLevel.KNOWN_MALICIOUS);
      assert.equal((await tie.getFileReputation({ md5: 'cd'.repeat(16) }))[3].trustLevel, 1);
    });

    it('external report: provider 15 set, announced only when it changed', async () => {
      const { tie, dxl } = await startSimulator();
      const events: ReputationChangeEvent[] = [];
      await tie.onFileReputationChange((event) => events.push(event));
      await tie.setExternalFileReputation(TrustLevel.KNOWN_TRUSTED, NOTEPAD.hex, FileType.PEEXE, 'notepad.exe');
      await settle();
      assert.equal((await tie.getFileReputation(NOTEPAD.hex))[15].trustLevel, 99);
      await tie.setExternalFileReputation(TrustLevel.KNOWN_TRUSTED, NOTEPAD.hex, FileType.PEEXE, 'notepad.exe');
      await settle();
      assert.equal(events.length, 1);
      assert.equal(events[0].oldReputations?.[15], undefined);
      assert.equal(events[0].newReputations?.[15].trustLevel, 99);
      // The set-external sample's workflow on UNKNOWN_FILE (no definitive reputation): the fallback decides.
      await tie.setExternalFileReputation(
        TrustLevel.MIGHT_BE_TRUSTED,
        UNKNOWN_FILE.hex,
        FileType.PEEXE,
        'random.exe',
        'External Reputation set via OpenDXL',
      );
      await settle();
      const verdict = computeVerdict(await tie.getFileReputation(UNKNOWN_FILE.hex));
      assert.deepEqual([verdict.trustLevel, verdict.basis], [70, 'external-fallback']);
      assert.ok(dxl.events.some((e) => e.topic === TieTopic.EXTERNAL_FILE_REPORT_EVENT));
    });

    it('ignores malformed external reports, telling onError, and stays up', async () => {
      const { dxl, tie, errors } = await startSimulator();
      dxl.deliver(TieTopic.EXTERNAL_FILE_REPORT_EVENT, '{oops');
      dxl.deliver(TieTopic.EXTERNAL_FILE_REPORT_EVENT, JSON.stringify({ file: { hashes: { md5: 'zz' }, reputation: { score: 99 } } }));
      dxl.deliver(TieTopic.EXTERNAL_FILE_REPORT_EVENT, JSON.stringify({ file: { hashes: NOTEPAD.hex, reputation: { score: 42 } } }));
      assert.equal(errors.length, 3);
      assert.match(errors[0].message, /^Ignored an external report: Malformed request: the payload is not JSON/);
      assert.equal(errors[1].message, 'Ignored an external report: External report with an invalid md5 hash');
      assert.equal(errors[2].message, 'Ignored an external report: External report with an invalid score 42');
      assert.equal((await tie.getFileReputation(NOTEPAD.hex))[15], undefined);
    });
  });

  describe('bad requests get an error response, never silence', () => {
    const cases: Array<[string, string, string | RegExp]> = [
      [TieTopic.GET_FILE_REPUTATION, '{not json', /^Malformed request: the payload is not JSON \(.+\)$/],
      [TieTopic.GET_FILE_REPUTATION, '[]', 'Malformed request: the payload is not a JSON object'],
      [TieTopic.GET_FILE_REPUTATION, '{"hashes": []}', 'No hashes were specified'],
      [TieTopic.GET_FILE_REPUTATION, '{}', 'No hashes were specified'],
      [TieTopic.GET_FILE_REPUTATION, '{"hashes": [{"type": "md5", "value": "abc"}]}', 'Invalid hashes[0] (md5): not standard base64'],
      [
        TieTopic.GET_FILE_REPUTATION,
        '{"hashes": [{"type": "md5", "value": "dGVzdA=="}]}',
        'Invalid hashes[0] (md5): 4 bytes instead of 16',
      ],
      [TieTopic.GET_FILE_REPUTATION, '{"hashes": [{"type": "sha512", "value": "dGVzdA=="}]}', 'Unsupported hash type "sha512" for a file'],
      [
        TieTopic.GET_CERT_REPUTATION,
        `{"hashes": [{"type": "md5", "value": "${NOTEPAD.base64.md5}"}]}`,
        'Unsupported hash type "md5" for a certificate',
      ],
      [
        TieTopic.GET_FILE_FIRST_REFERENCES,
        `{"queryLimit": -1, "hashes": [{"type": "md5", "value": "${NOTEPAD.base64.md5}"}]}`,
        'Invalid queryLimit -1: expected a whole number',
      ],
      [
        TieTopic.SET_FILE_REPUTATION,
        `{"trustLevel": 42, "providerId": 3, "hashes": [{"type": "md5", "value": "${NOTEPAD.base64.md5}"}]}`,
        'Unknown trust level 42: expected one of 100, 99, 85, 70, 50, 30, 15, 1, 0',
      ],
      [
        TieTopic.SET_FILE_REPUTATION,
        `{"providerId": 3, "hashes": [{"type": "md5", "value": "${NOTEPAD.base64.md5}"}]}`,
        'No trust level was specified',
      ],
      [
        TieTopic.SET_FILE_REPUTATION,
        `{"trustLevel": 99, "providerId": 1, "hashes": [{"type": "md5", "value": "${NOTEPAD.base64.md5}"}]}`,
        'Provider 1 cannot be set on this topic: it sets the Enterprise provider (3)',
      ],
      [
        TieTopic.SET_CERT_REPUTATION,
        `{"trustLevel": 99, "providerId": 4, "hashes": [{"type": "sha1", "value": "${NOTEPAD.base64.sha1}"}], "publicKeySha1": 5}`,
        'Invalid publicKeySha1: not standard base64',
      ],
    ];
    for (const [topic, payload, message] of cases) {
      it(`${topic.replace('/mcafee/service/tie/', '')}: ${String(message)}`, async () => {
        const { dxl } = await startSimulator();
        const answer = await raw(dxl, topic, payload);
        assert.ok(typeof answer === 'object', 'an error response');
        assert.deepEqual([answer.code, answer.fabricCode], [DxlErrorCode.ErrorResponse, 0]);
        if (typeof message === 'string') assert.equal(answer.message, message);
        else assert.match(answer.message, message);
      });
    }

    it('a set answers with an empty payload', async () => {
      const { dxl } = await startSimulator();
      const payload = JSON.stringify({ trustLevel: 99, providerId: 3, filename: '', comment: '', hashes: toWireHashes(EICAR.hex) });
      assert.equal(await raw(dxl, TieTopic.SET_FILE_REPUTATION, payload), '');
    });
  });

  describe('detection and first-instance events', () => {
    it('publishes both kinds periodically; a first instance adds the file with its first reference', async () => {
      const { tie, simulator } = await startSimulator({ periodicEvents: { intervalMs: 10 }, seed: 7 });
      const detections: DetectionEvent[] = [];
      const firsts: FirstInstanceEvent[] = [];
      await tie.onFileDetection((event) => detections.push(event));
      await tie.onFileFirstInstance((event) => firsts.push(event));
      while (detections.length === 0 || firsts.length === 0) await new Promise((r) => setTimeout(r, 10));
      await simulator.close();
      const [first] = firsts;
      assert.equal(Object.keys(first.hashes ?? {}).length, 3);
      assert.match(first.name ?? '', /^\d+-[A-Z.]+$/);
      const refs = await tie.getFirstReferences(fileTarget(first.hashes?.sha256 as string)).catch((e: Error) => e);
      // The simulator is closed now: its service is gone.
      assert.equal((refs as { code?: string }).code, DxlErrorCode.ServiceUnavailable);
      const detection = detections[0];
      assert.deepEqual(Object.keys(detection).sort(), [
        'agentGuid',
        'detectionTime',
        'hashes',
        'localReputation',
        'name',
        'remediationAction',
      ]);
      assert.equal(detection.detectionTime, NOW);
      assert.equal(detection.localReputation, 1);
      assert.equal(detection.remediationAction, 5);
    });

    it('cycles its periodic events through the cases of a triage: malicious, a first instance, that file (unknown), trusted', async () => {
      const { tie, simulator } = await startSimulator({ periodicEvents: { intervalMs: 10 }, seed: 5 });
      const events: Array<{ kind: string; md5?: string; category?: string }> = [];
      const categoryOf = async (hashes: Record<string, string | undefined>): Promise<string> =>
        computeVerdict(await tie.getFileReputation(Object.fromEntries(Object.entries(hashes).filter(([, v]) => v !== undefined)))).category;
      await tie.onFileDetection((event) => events.push({ kind: 'detection', md5: event.hashes?.md5 }));
      await tie.onFileFirstInstance((event) => events.push({ kind: 'first instance', md5: event.hashes?.md5 }));
      while (events.length < 8) await new Promise((r) => setTimeout(r, 10));
      const seen = events.slice(0, 8);
      assert.deepEqual(
        seen.map((e) => e.kind),
        ['detection', 'first instance', 'detection', 'detection', 'detection', 'first instance', 'detection', 'detection'],
      );
      for (const cycle of [0, 4]) {
        const [malicious, first, fresh, trusted] = seen.slice(cycle, cycle + 4) as [
          (typeof seen)[0],
          (typeof seen)[0],
          (typeof seen)[0],
          (typeof seen)[0],
        ];
        assert.equal(await categoryOf({ md5: malicious.md5 }), 'malicious');
        assert.equal(fresh.md5, first.md5, 'the file just seen first is detected next');
        assert.ok(['unknown', 'not-set'].includes(await categoryOf({ md5: fresh.md5 })), 'without a verdict');
        assert.equal(await categoryOf({ md5: trusted.md5 }), 'trusted');
      }
      await simulator.close();
    });

    it('publishFirstInstance stores the file; publishDetection picks a malicious one', async () => {
      const { tie, simulator } = await startSimulator({ seed: 3 });
      const sent = await simulator.publishFirstInstance({ agentGuid: '{agent}', name: 'NEW.EXE' });
      const sha256 = Buffer.from(sent.hashes[2].value, 'base64').toString('hex');
      assert.deepEqual(await tie.getFirstReferences(fileTarget({ sha256 })), [{ agentGuid: '{agent}', date: NOW }]);
      const detection = await simulator.publishDetection();
      const hashes = Object.fromEntries(detection.hashes.map((h) => [h.type, Buffer.from(h.value, 'base64').toString('hex')]));
      assert.equal(computeVerdict(await tie.getFileReputation(hashes)).category, 'malicious');
    });
  });

  describe('persistence', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-sim-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('keeps changes across restarts, written atomically', async () => {
      const first = await startSimulator({ dataDir: dir });
      await first.tie.setReputation(fileTarget(EICAR.hex), TrustLevel.KNOWN_MALICIOUS);
      await first.tie.setReputation(certificateTarget(CERT1.sha1), TrustLevel.KNOWN_TRUSTED);
      await first.simulator.close();
      assert.deepEqual(fs.readdirSync(dir), ['tie-simulator-state.json']);
      const second = await startSimulator({ dataDir: dir });
      assert.equal((await second.tie.getFileReputation(EICAR.hex))[3].trustLevel, 1);
      assert.equal((await second.tie.getCertificateReputation(CERT1.sha1))[4].trustLevel, 99);
      assert.deepEqual(await second.tie.getFirstReferences(fileTarget(NOTEPAD.hex)), NOTEPAD.agents);
      await second.simulator.close();
    });

    it('adds seeded files missing from a state saved before they were seeded, and keeps the saved changes', async () => {
      const first = await startSimulator({ dataDir: dir });
      await first.tie.setReputation(fileTarget(EICAR.hex), TrustLevel.KNOWN_MALICIOUS);
      await first.simulator.close();
      const file = path.join(dir, 'tie-simulator-state.json');
      const state = JSON.parse(fs.readFileSync(file, 'utf8')) as { items: Array<{ filename?: string }> };
      state.items = state.items.filter((item) => item.filename !== 'notepad.exe');
      fs.writeFileSync(file, JSON.stringify(state));
      const second = await startSimulator({ dataDir: dir });
      assert.deepEqual(await second.tie.getFileReputation(NOTEPAD.hex), NOTEPAD.reputations);
      assert.equal((await second.tie.getFileReputation(EICAR.hex))[3].trustLevel, 1);
      await second.simulator.close();
    });

    it('moves an unreadable state aside and starts from the seed', async () => {
      fs.writeFileSync(path.join(dir, 'tie-simulator-state.json'), '{broken');
      const { tie, simulator, errors } = await startSimulator({ dataDir: dir });
      assert.deepEqual(await tie.getFileReputation(NOTEPAD.hex), NOTEPAD.reputations);
      assert.match(errors[0].message, /unreadable .* moved to .*corrupt-/);
      await simulator.close();
      assert.equal(fs.readdirSync(dir).filter((f) => f.includes('.corrupt-')).length, 1);
      assert.ok((JSON.parse(fs.readFileSync(path.join(dir, 'tie-simulator-state.json'), 'utf8')) as { items: unknown[] }).items.length > 0);
    });
  });

  it('close() unregisters the service and the report subscription', async () => {
    const { dxl, simulator } = await startSimulator();
    assert.equal(dxl.serviceTopics.length, 6);
    assert.deepEqual(dxl.subscribedTopics, [TieTopic.EXTERNAL_FILE_REPORT_EVENT]);
    await simulator.close();
    await simulator.close();
    assert.deepEqual(dxl.serviceTopics, []);
    assert.deepEqual(dxl.subscribedTopics, []);
    await rejectsWith(
      new TieClient(dxl).getFileReputation(NOTEPAD.hex),
      DxlErrorCode.ServiceUnavailable,
      'unable to locate service for request',
    );
  });
});
