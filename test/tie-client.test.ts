import assert from 'node:assert/strict';
import { DxlErrorCode } from '../src/dxl/errors';
import { type DetectionEvent, FileType, TieClient, TieErrorCode, TieTopic, TrustLevel } from '../src/tie';
import { computeVerdict } from '../src/tie/verdict';
import { LoopbackDxl, settle } from './support/tie-loopback';
import { rejectsWith } from './support/rejects-with';
import { NOTEPAD, SAMPLE_CERT, SAMPLE_getFileResponse, SAMPLE_wireExamples } from './support/tie-samples';
import { certificateTarget, fileTarget } from '../src/tie/hashes';

const INVALID = TieErrorCode.InvalidInput;

/** A loopback TIE that answers every request topic with canned payloads and counts requests. */
function cannedTie(): { dxl: LoopbackDxl; tie: TieClient; count: (topic: string) => number } {
  const dxl = new LoopbackDxl();
  dxl.serve(TieTopic.GET_FILE_REPUTATION, () => ({ payload: JSON.stringify(SAMPLE_getFileResponse) }));
  dxl.serve(TieTopic.GET_CERT_REPUTATION, () => ({
    payload: JSON.stringify({ props: { serverTime: 1 }, reputations: Object.values(SAMPLE_CERT.reputations) }),
  }));
  for (const topic of [TieTopic.SET_FILE_REPUTATION, TieTopic.SET_CERT_REPUTATION]) dxl.serve(topic, () => ({ payload: '' }));
  dxl.serve(TieTopic.GET_FILE_FIRST_REFERENCES, () => ({ payload: JSON.stringify({ totalCount: 3, agents: NOTEPAD.agents }) }));
  dxl.serve(TieTopic.GET_CERT_FIRST_REFERENCES, () => ({ payload: '{}' }));
  return { dxl, tie: new TieClient(dxl), count: (topic) => dxl.requests.filter((r) => r.topic === topic).length };
}

describe('TieClient', () => {
  describe('wire payloads: as the official clients send them', () => {
    it('get file reputation (Python form, with scanType 3)', async () => {
      const { dxl, tie } = cannedTie();
      const reputations = await tie.getFileReputation(NOTEPAD.hex);
      assert.deepEqual(reputations, NOTEPAD.reputations);
      assert.deepEqual(dxl.requests, [
        { topic: TieTopic.GET_FILE_REPUTATION, payload: JSON.stringify(SAMPLE_wireExamples.getFileReputationRequest_python) },
      ]);
    });

    it('set file reputation', async () => {
      const { dxl, tie } = cannedTie();
      await tie.setReputation(fileTarget(NOTEPAD.hex), TrustLevel.MOST_LIKELY_TRUSTED, 'notepad.exe', 'Reputation set via OpenDXL');
      assert.deepEqual(JSON.parse(dxl.requests[0].payload), SAMPLE_wireExamples.setFileReputationRequest_python);
      assert.equal(dxl.requests[0].topic, TieTopic.SET_FILE_REPUTATION);
    });

    it('get and set certificate reputation, public key as a separate field', async () => {
      const { dxl, tie } = cannedTie();
      assert.deepEqual(await tie.getCertificateReputation(SAMPLE_CERT.sha1, SAMPLE_CERT.publicKeySha1), SAMPLE_CERT.reputations);
      await tie.setReputation(
        certificateTarget(SAMPLE_CERT.sha1, SAMPLE_CERT.publicKeySha1),
        TrustLevel.KNOWN_TRUSTED,
        '',
        'Reputation set via OpenDXL',
      );
      await tie.getCertificateReputation(SAMPLE_CERT.sha1);
      assert.deepEqual(JSON.parse(dxl.requests[0].payload), SAMPLE_wireExamples.getCertReputationRequest);
      assert.deepEqual(JSON.parse(dxl.requests[1].payload), SAMPLE_wireExamples.setCertReputationRequest_python);
      assert.deepEqual(JSON.parse(dxl.requests[2].payload), { hashes: [{ type: 'sha1', value: SAMPLE_CERT.sha1Base64 }] });
    });

    it('first references with the default limit 500, and a given one', async () => {
      const { dxl, tie } = cannedTie();
      assert.deepEqual(await tie.getFirstReferences(fileTarget(NOTEPAD.hex)), NOTEPAD.agents);
      assert.deepEqual(await tie.getFirstReferences(certificateTarget(SAMPLE_CERT.sha1, SAMPLE_CERT.publicKeySha1)), []);
      await tie.getFirstReferences(fileTarget(NOTEPAD.hex.md5), 2);
      assert.deepEqual(JSON.parse(dxl.requests[0].payload), SAMPLE_wireExamples.getFileFirstRefsRequest);
      assert.deepEqual(JSON.parse(dxl.requests[1].payload), SAMPLE_wireExamples.getCertFirstRefsRequest);
      assert.deepEqual(JSON.parse(dxl.requests[2].payload), { queryLimit: 2, hashes: [{ type: 'md5', value: NOTEPAD.base64.md5 }] });
    });

    it('set external file reputation is an event with the hex dict', async () => {
      const { dxl, tie } = cannedTie();
      await tie.setExternalFileReputation(99, NOTEPAD.hex, FileType.PEEXE, 'notepad.exe', 'Reputation set via OpenDXL');
      assert.equal(dxl.requests.length, 0);
      assert.equal(dxl.events[0].topic, TieTopic.EXTERNAL_FILE_REPORT_EVENT);
      assert.deepEqual(JSON.parse(dxl.events[0].payload), SAMPLE_wireExamples.setExternalFileReputationEvent_python);
    });

    it('escapes file names and comments as JSON', async () => {
      const { dxl, tie } = cannedTie();
      await tie.setReputation(fileTarget(NOTEPAD.hex.sha256), 99, 'a "quoted"\nname', 'ü\\');
      const sent = JSON.parse(dxl.requests[0].payload) as { filename?: unknown; comment?: unknown };
      assert.equal(sent.filename, 'a "quoted"\nname');
      assert.equal(sent.comment, 'ü\\');
    });
  });

  describe('input validation (nothing is sent)', () => {
    it('refuses bad hashes with the reason', async () => {
      const { dxl, tie } = cannedTie();
      await rejectsWith(tie.getFileReputation({ md5: 'xyz' }), INVALID, 'md5 hash "xyz" is not hexadecimal: character "x" at position 1');
      await rejectsWith(tie.getFileReputation({}), INVALID, 'no hashes given: expected at least one of md5, sha1 or sha256');
      await rejectsWith(
        tie.getCertificateReputation(NOTEPAD.hex.md5),
        INVALID,
        `certificate sha1 "${NOTEPAD.hex.md5}" has 32 hexadecimal characters; a sha1 hash has 40`,
      );
      await rejectsWith(
        tie.getFirstReferences({ subject: 'file', hashes: { sha1: NOTEPAD.hex.md5 } }),
        INVALID,
        /^sha1 hash .* has 32 hexadecimal characters; a sha1 hash has 40$/,
      );
      assert.equal(dxl.requests.length, 0);
    });

    it("takes the official clients' calls by their names, arguments in their order, as the target-first calls send them", async () => {
      const { dxl, tie } = cannedTie();
      await tie.setFileReputation(99, NOTEPAD.hex, 'notepad.exe', 'why');
      await tie.setReputation(fileTarget(NOTEPAD.hex), 99, 'notepad.exe', 'why');
      await tie.setCertificateReputation(85, SAMPLE_CERT.sha1, undefined, 'why');
      await tie.setReputation(certificateTarget(SAMPLE_CERT.sha1), 85, '', 'why');
      assert.deepEqual(dxl.requests[0], dxl.requests[1]);
      assert.deepEqual(dxl.requests[2], dxl.requests[3]);
      assert.deepEqual(await tie.getFileFirstReferences(NOTEPAD.hex, 2), await tie.getFirstReferences(fileTarget(NOTEPAD.hex), 2));
      assert.deepEqual(await tie.getCertificateFirstReferences(SAMPLE_CERT.sha1), []);
      await rejectsWith(
        tie.setFileReputation(99, { md5: '12' }),
        INVALID,
        'md5 hash "12" has 2 hexadecimal characters; an md5 hash has 32',
      );
    });

    it('set: trust level missing, not a number, not a TIE level; numeric text accepted', async () => {
      const { dxl, tie } = cannedTie();
      const anyLevel = (value: unknown): number => value as number;
      await rejectsWith(tie.setReputation(fileTarget(NOTEPAD.hex), anyLevel(undefined)), INVALID, 'trustLevel was not specified');
      await rejectsWith(tie.setReputation(fileTarget(NOTEPAD.hex), anyLevel('high')), INVALID, 'trustLevel was not a number: "high"');
      await rejectsWith(
        tie.setReputation(certificateTarget(SAMPLE_CERT.sha1), 42),
        INVALID,
        'trustLevel 42 is not a TIE trust level: expected one of 100, 99, 85, 70, 50, 30, 15, 1, 0',
      );
      await rejectsWith(
        tie.setReputation(fileTarget(NOTEPAD.hex), 99, anyLevel(7) as unknown as string),
        INVALID,
        'filename must be a string, got number',
      );
      assert.equal(dxl.requests.length, 0);
      await tie.setReputation(fileTarget(NOTEPAD.hex), anyLevel('85'));
      assert.equal((JSON.parse(dxl.requests[0].payload) as { trustLevel?: unknown }).trustLevel, 85);
    });

    it('set external: the Python client checks, in its order and with its messages', async () => {
      const { dxl, tie } = cannedTie();
      // Rule 1 comes first even when everything else is wrong too.
      await rejectsWith(tie.setExternalFileReputation(0, {}, 3), INVALID, 'TrustLevel was not specified');
      await rejectsWith(tie.setExternalFileReputation(99, {}, 3), INVALID, 'FileType was not a valid entry');
      await rejectsWith(tie.setExternalFileReputation(42, {}, FileType.PEEXE), INVALID, 'TrustLevel was not a valid entry');
      await rejectsWith(tie.setExternalFileReputation(70, {}, FileType.PEEXE), INVALID, 'File hashes were not specified');
      await rejectsWith(tie.setExternalFileReputation(70, '', FileType.PEEXE), INVALID, 'File hashes were not specified');
      await rejectsWith(
        tie.setExternalFileReputation(70, { md5: '12' }),
        INVALID,
        'md5 hash "12" has 2 hexadecimal characters; an md5 hash has 32',
      );
      assert.equal(dxl.events.length, 0);
      await tie.setExternalFileReputation(TrustLevel.MIGHT_BE_TRUSTED, NOTEPAD.hex.md5.toUpperCase());
      assert.deepEqual(JSON.parse(dxl.events[0].payload), {
        file: { type: 0, hashes: { md5: NOTEPAD.hex.md5 }, attributes: { filename: '' }, reputation: { score: 70 } },
        provider: { id: 15 },
        comment: '',
      });
    });

    it('query limit must be a whole number of at least 1', async () => {
      const { tie } = cannedTie();
      await rejectsWith(
        tie.getFirstReferences(fileTarget(NOTEPAD.hex), 0),
        INVALID,
        'queryLimit must be a whole number of at least 1, got 0',
      );
      await rejectsWith(
        tie.getFirstReferences(certificateTarget(SAMPLE_CERT.sha1, undefined), 2.5),
        INVALID,
        'queryLimit must be a whole number of at least 1, got 2.5',
      );
    });
  });

  describe('errors from the fabric and the service', () => {
    it('passes DxlError through: error response, service unavailable, timeout', async () => {
      const dxl = new LoopbackDxl();
      dxl.serve(TieTopic.GET_FILE_REPUTATION, () => ({ errorCode: 0, errorMessage: 'Could not find reputation' }));
      // A service that never answers.
      await dxl.registerService({ serviceType: 'silent', topics: { [TieTopic.GET_FILE_FIRST_REFERENCES]: () => undefined } });
      const tie = new TieClient(dxl, { requestTimeoutMs: 50 });
      await rejectsWith(tie.getFileReputation(NOTEPAD.hex), DxlErrorCode.ErrorResponse, 'Could not find reputation');
      await rejectsWith(
        tie.getCertificateReputation(SAMPLE_CERT.sha1),
        DxlErrorCode.ServiceUnavailable,
        'unable to locate service for request',
      );
      await rejectsWith(tie.getFirstReferences(fileTarget(NOTEPAD.hex)), DxlErrorCode.Timeout, /No response/);
    });

    it('a response that is not a TIE payload is TIE_INVALID_RESPONSE', async () => {
      const dxl = new LoopbackDxl();
      dxl.serve(TieTopic.GET_FILE_REPUTATION, () => ({ payload: '<html>' }));
      dxl.serve(TieTopic.GET_CERT_REPUTATION, () => ({ payload: '"text"' }));
      const tie = new TieClient(dxl);
      await rejectsWith(tie.getFileReputation(NOTEPAD.hex), TieErrorCode.InvalidResponse, /is not JSON: /);
      await rejectsWith(
        tie.getCertificateReputation(SAMPLE_CERT.sha1),
        TieErrorCode.InvalidResponse,
        'reputation response is not a JSON object',
      );
    });
  });

  describe('events: one DXL subscription per topic, each event decoded once', () => {
    it('gives each handler its own copy, its own error handler, and unsubscribes with the last one', async () => {
      const dxl = new LoopbackDxl();
      const tie = new TieClient(dxl);
      const topic = TieTopic.FILE_DETECTION_EVENT;
      const got: DetectionEvent[] = [];
      const errors: string[] = [];
      const first = await tie.onFileDetection((event) => got.push(event));
      const second = await tie.onFileDetection(
        (event) => got.push(event),
        (error) => errors.push(error.message),
      );
      assert.equal(dxl.subscriberCount(topic), 1);
      dxl.deliver(topic, JSON.stringify({ name: 'X.EXE', hashes: [{ type: 'md5', value: NOTEPAD.base64.md5 }] }));
      assert.equal(got.length, 2);
      assert.deepEqual(got[0], { name: 'X.EXE', hashes: { md5: NOTEPAD.hex.md5 } });
      assert.deepEqual(got[1], got[0]);
      assert.notEqual(got[1], got[0], 'a copy for the second handler');
      // The first handler has no error handler (nor the client): its error goes back to the DXL client, after the second got its own.
      assert.throws(() => dxl.deliver(topic, 'not json'), {
        code: TieErrorCode.InvalidResponse,
        message: /^event on \/mcafee\/event\/tie\/file\/detection is not JSON: /,
      });
      assert.equal(errors.length, 1);
      assert.match(errors[0], /is not JSON/);
      await first();
      assert.equal(dxl.subscriberCount(topic), 1);
      await second();
      assert.equal(dxl.subscriberCount(topic), 0);
    });
  });

  describe('reputation cache (opt-in)', () => {
    function cachedTie(options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}) {
      const canned = cannedTie();
      const tie = new TieClient(canned.dxl, { cache: { ttlMs: options.ttlMs ?? 60_000, ...options } });
      return { ...canned, tie };
    }

    it('is off unless asked for', async () => {
      const { tie, count } = cannedTie();
      await tie.getFileReputation(NOTEPAD.hex);
      await tie.getFileReputation(NOTEPAD.hex);
      assert.equal(count(TieTopic.GET_FILE_REPUTATION), 2);
      assert.equal(tie.cache, undefined);
    });

    it('answers repeated lookups from the cache with copies the caller may change', async () => {
      const { tie, count } = cachedTie();
      const first = await tie.getFileReputation(NOTEPAD.hex);
      first[1].trustLevel = 0;
      const second = await tie.getFileReputation({
        sha256: NOTEPAD.hex.sha256,
        md5: NOTEPAD.hex.md5.toUpperCase(),
        sha1: NOTEPAD.hex.sha1,
      });
      assert.equal(count(TieTopic.GET_FILE_REPUTATION), 1);
      assert.deepEqual(second, NOTEPAD.reputations);
    });

    it('keeps the verdict with a cached entry: the same verdict as computed fresh, a fresh copy on every hit', async () => {
      const { tie, count } = cachedTie();
      const uncached = cannedTie().tie;
      const expected = await uncached.getReputationWithVerdict(fileTarget(NOTEPAD.hex));
      assert.deepEqual(expected.verdict, computeVerdict(NOTEPAD.reputations, 'file'));
      const first = await tie.getReputationWithVerdict(fileTarget(NOTEPAD.hex));
      const second = await tie.getReputationWithVerdict(fileTarget(NOTEPAD.hex));
      first.verdict.trustLevel = -1;
      first.reputations[1].trustLevel = -1;
      const third = await tie.getReputationWithVerdict(fileTarget(NOTEPAD.hex));
      assert.equal(count(TieTopic.GET_FILE_REPUTATION), 1);
      for (const hit of [second, third]) assert.deepEqual(hit, expected);
      assert.notEqual(second.verdict, third.verdict);
      assert.deepEqual(await tie.getFileReputation(NOTEPAD.hex), NOTEPAD.reputations);
      const cert = await tie.getReputationWithVerdict(certificateTarget(SAMPLE_CERT.sha1));
      assert.deepEqual(cert.verdict, computeVerdict(cert.reputations, 'certificate'));
      assert.deepEqual(await tie.getReputationWithVerdict(certificateTarget(SAMPLE_CERT.sha1)), cert);
    });

    it('expires entries after ttlMs', async () => {
      let now = 1000;
      const { tie, count } = cachedTie({ ttlMs: 500, now: () => now });
      await tie.getFileReputation(NOTEPAD.hex);
      now += 499;
      await tie.getFileReputation(NOTEPAD.hex);
      assert.equal(count(TieTopic.GET_FILE_REPUTATION), 1);
      now += 1;
      await tie.getFileReputation(NOTEPAD.hex);
      assert.equal(count(TieTopic.GET_FILE_REPUTATION), 2);
    });

    it('drops entries named by a reputation-change event, and only those', async () => {
      const { dxl, tie, count } = cachedTie();
      await tie.getFileReputation(NOTEPAD.hex);
      await tie.getCertificateReputation(SAMPLE_CERT.sha1, SAMPLE_CERT.publicKeySha1);
      dxl.deliver(TieTopic.FILE_REPUTATION_CHANGE_EVENT, JSON.stringify({ hashes: [{ type: 'md5', value: 'AAAAAAAAAAAAAAAAAAAAAA==' }] }));
      await tie.getFileReputation(NOTEPAD.hex);
      assert.equal(count(TieTopic.GET_FILE_REPUTATION), 1);
      dxl.deliver(TieTopic.FILE_REPUTATION_CHANGE_EVENT, JSON.stringify({ hashes: [{ type: 'sha1', value: NOTEPAD.base64.sha1 }] }));
      await tie.getFileReputation(NOTEPAD.hex);
      assert.equal(count(TieTopic.GET_FILE_REPUTATION), 2);
      // A certificate event naming only the public key.
      dxl.deliver(TieTopic.CERT_REPUTATION_CHANGE_EVENT, JSON.stringify({ hashes: [], publicKeySha1: SAMPLE_CERT.publicKeySha1Base64 }));
      await tie.getCertificateReputation(SAMPLE_CERT.sha1, SAMPLE_CERT.publicKeySha1);
      assert.equal(count(TieTopic.GET_CERT_REPUTATION), 2);
    });

    it('drops entries after a set made through the same client', async () => {
      const { tie, count } = cachedTie();
      await tie.getFileReputation(NOTEPAD.hex);
      await tie.setReputation(fileTarget({ md5: NOTEPAD.hex.md5 }), 99);
      await tie.getFileReputation(NOTEPAD.hex);
      await tie.setExternalFileReputation(99, { sha256: NOTEPAD.hex.sha256 });
      await tie.getFileReputation(NOTEPAD.hex);
      await tie.getCertificateReputation(SAMPLE_CERT.sha1);
      await tie.setReputation(certificateTarget(SAMPLE_CERT.sha1), 99);
      await tie.getCertificateReputation(SAMPLE_CERT.sha1);
      assert.equal(count(TieTopic.GET_FILE_REPUTATION), 3);
      assert.equal(count(TieTopic.GET_CERT_REPUTATION), 2);
    });

    it('does not store an answer that was in flight when its hash changed', async () => {
      const dxl = new LoopbackDxl();
      let answer: (() => void) | undefined;
      await dxl.registerService({
        serviceType: 't',
        topics: {
          [TieTopic.GET_FILE_REPUTATION]: (request) => {
            answer = () => dxl.sendResponse(request, JSON.stringify(SAMPLE_getFileResponse));
          },
        },
      });
      const tie = new TieClient(dxl, { cache: { ttlMs: 60_000 } });
      const lookup = tie.getFileReputation(NOTEPAD.hex);
      while (answer === undefined) await settle();
      dxl.deliver(TieTopic.FILE_REPUTATION_CHANGE_EVENT, JSON.stringify({ hashes: [{ type: 'md5', value: NOTEPAD.base64.md5 }] }));
      answer();
      await lookup;
      assert.equal(tie.cache?.size, 0);
    });

    it('is bounded: the least recently used entry goes first', async () => {
      const { tie, count } = cachedTie({ maxEntries: 2 });
      const a = { md5: '1'.repeat(32) };
      const b = { md5: '2'.repeat(32) };
      const c = { md5: '3'.repeat(32) };
      await tie.getFileReputation(a);
      await tie.getFileReputation(b);
      await tie.getFileReputation(a); // a is now the most recent
      await tie.getFileReputation(c); // evicts b
      assert.equal(tie.cache?.size, 2);
      assert.equal(count(TieTopic.GET_FILE_REPUTATION), 3);
      await tie.getFileReputation(a);
      assert.equal(count(TieTopic.GET_FILE_REPUTATION), 3);
      await tie.getFileReputation(b);
      assert.equal(count(TieTopic.GET_FILE_REPUTATION), 4);
    });

    it('close() removes its invalidation subscriptions', async () => {
      const { dxl, tie } = cachedTie();
      await tie.getFileReputation(NOTEPAD.hex);
      assert.deepEqual(dxl.subscribedTopics.sort(), [TieTopic.CERT_REPUTATION_CHANGE_EVENT, TieTopic.FILE_REPUTATION_CHANGE_EVENT]);
      await tie.close();
      assert.deepEqual(dxl.subscribedTopics, []);
      assert.equal(tie.cache?.size, 0);
    });

    it('after close(), every call rejects with TIE_CLOSED and subscribes nothing', async () => {
      const { dxl, tie } = cachedTie();
      await tie.close();
      await rejectsWith(tie.getFileReputation(NOTEPAD.hex), TieErrorCode.Closed, 'The TIE client is closed');
      await rejectsWith(tie.setReputation(certificateTarget(SAMPLE_CERT.sha1), 99), TieErrorCode.Closed, 'The TIE client is closed');
      await rejectsWith(
        tie.onFileDetection(() => undefined),
        TieErrorCode.Closed,
        'The TIE client is closed',
      );
      assert.equal(dxl.requests.length, 0);
      assert.deepEqual(dxl.subscribedTopics, []);
    });

    it('refuses a cache without a positive ttl', () => {
      assert.throws(() => new TieClient(new LoopbackDxl(), { cache: { ttlMs: 0 } }), RangeError);
    });
  });
});
