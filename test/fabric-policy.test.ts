/*
 * The fabric's topic authorization in the OpenDXL broker's topicauth.policy format: the reader,
 * the decisions, the default policy against TIE's topics, and the policy in force on real TLS
 * connections with the official OpenDXL client as the peer.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type RunningFabric,
  type TopicPolicy,
  TopicPolicyErrorCode,
  parseTopicPolicy,
  readTopicPolicyFile,
  startFabric,
  tieSimulatorPolicy,
} from '../src/fabric';
import { MAX_POLICY_FILE_BYTES } from '../src/fabric/topic-policy-file';
import { TopicAuthorization } from '../src/fabric/topic-authorization';
import { TieTopic } from '../src/tie/topics';
import { type FabricIdentity, issueFabricIdentity } from './support/fabric-identities';
import {
  type OfficialClient,
  type OfficialMessage,
  closeOfficialClient,
  connectOfficialClient,
  officialEvent,
  officialRequest,
  payloadText,
  registerOfficialService,
  subscribeOfficial,
} from './support/official-client';
import { eventually } from './support/our-client';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const CA = 'c'.repeat(40);
/** Text that must never show in an error: it stands for what a policy file holds. */
const SECRET = 'do-not-echo-this';

describe('fabric topic policy', function () {
  this.timeout(30_000);

  describe('the reader', () => {
    it("reads the broker's format: comments, send and receive lists, thumbprints as openssl prints them", () => {
      const text = `// Restricted topics; every other topic stays open.
        {
          /* who may publish */
          "send": [
            { "topic": "/restricted/#", "clients": [ "${A}", // a client
                                                     "${B.toUpperCase().replace(/(..)(?!$)/g, '$1:')}" ] }
          ],
          "receive": [ { "topic": "/nobody", "clients": [] }, { "topic": "/url//not/a/comment", "clients": ["${CA}"] } ]
        }`;
      assert.deepEqual(parseTopicPolicy(text), {
        send: [{ topic: '/restricted/#', clients: [A, B] }],
        receive: [
          { topic: '/nobody', clients: [] },
          { topic: '/url//not/a/comment', clients: [CA] },
        ],
      });
      assert.deepEqual(parseTopicPolicy('{}'), { send: [], receive: [] });
    });

    it('refuses what the broker would misread or ignore, naming the place and never the content', () => {
      const cases: Array<[string, RegExp]> = [
        [`{"send": [{"topic": "/t", "clients": ["${SECRET}"]}]}`, /send\[0\]\.clients\[0\] is not a SHA-1 thumbprint/],
        [`{"recieve": [], "${SECRET}": 1}`, /the policy has 2 key\(s\) other than send and receive/],
        [`{"receive": [{"topic": "/${SECRET}/+", "clients": []}]}`, /receive\[0\]\.topic is not a DXL topic \(plusWildcard\)/],
        [`{"send": [{"topic": "/t", "clients": []}, {"topic": "/t", "clients": ["${A}"]}]}`, /send\[1\]\.topic repeats send\[0\]\.topic/],
        [`{"send": {"${SECRET}": []}}`, /send is not a list/],
        [`{"send": [{"topic": "/t"}]}`, /send\[0\]\.clients is not a list of thumbprints/],
        [`{"send": [ ${SECRET} ]}`, /the policy is not JSON/],
        [`/* ${SECRET}`, /a block comment is not closed/],
        [`["${SECRET}"]`, /the policy is not a JSON object/],
      ];
      for (const [text, expected] of cases) {
        assert.throws(
          () => parseTopicPolicy(text),
          (error: Error & { code?: string }) => {
            assert.equal(error.code, TopicPolicyErrorCode.Invalid);
            assert.match(error.message, expected);
            assert.doesNotMatch(error.message, new RegExp(SECRET));
            return true;
          },
        );
      }
    });

    describe('a file', () => {
      let dir: string;
      beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-policy-'))));
      afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

      const refusal = (file: string, expected: RegExp, code: string = TopicPolicyErrorCode.Unreadable): void => {
        assert.throws(
          () => readTopicPolicyFile(file),
          (error: Error & { code?: string }) => {
            assert.equal(error.code, code);
            assert.match(error.message, expected);
            assert.doesNotMatch(error.message, new RegExp(SECRET));
            return true;
          },
        );
      };

      it('reads a policy file', () => {
        const file = path.join(dir, 'topicauth.policy');
        fs.writeFileSync(file, `\uFEFF// policy\n{"receive": [{"topic": "/t", "clients": ["${A}"]}]}\n`);
        assert.deepEqual(readTopicPolicyFile(file), { send: [], receive: [{ topic: '/t', clients: [A] }] });
      });

      it('refuses a missing file, a folder, a FIFO and a file over the size cap, and names a bad one without quoting it', () => {
        refusal(path.join(dir, 'absent.policy'), /absent\.policy: file not found/);
        refusal(dir, /this is a folder, not a file/);
        if (process.platform !== 'win32') {
          const fifo = path.join(dir, 'fifo.policy');
          execFileSync('mkfifo', [fifo]);
          refusal(fifo, /fifo\.policy: not a regular file/);
        }
        const large = path.join(dir, 'large.policy');
        fs.writeFileSync(large, '');
        fs.truncateSync(large, MAX_POLICY_FILE_BYTES + 1);
        refusal(large, new RegExp(`larger than ${MAX_POLICY_FILE_BYTES} bytes`));
        const bad = path.join(dir, 'bad.policy');
        fs.writeFileSync(bad, `{"send": [${SECRET}]}`);
        refusal(bad, /^FABRIC_POLICY_INVALID: topic policy .*bad\.policy: the policy is not JSON/, TopicPolicyErrorCode.Invalid);
      });
    });
  });

  describe('the decisions, as the OpenDXL broker makes them', () => {
    const authorization = new TopicAuthorization({
      send: [
        { topic: '/a/b', clients: [A] },
        { topic: '/a/#', clients: [B] },
        { topic: '/closed', clients: [] },
      ],
      receive: [{ topic: '/ca/only/#', clients: [CA] }],
    });

    it('leaves unlisted topics open, and allows a chain listed in the rule of the topic or of any wildcard above it', () => {
      assert.equal(authorization.maySend([A], '/elsewhere'), true);
      assert.equal(authorization.maySend([A], '/a/b'), true, 'its own rule');
      assert.equal(authorization.maySend([B], '/a/b'), true, 'the rule of /a/# applies too');
      assert.equal(authorization.maySend([A], '/a/c'), false, 'only /a/# applies');
      assert.equal(authorization.maySend([CA], '/a/b'), false);
      assert.equal(authorization.maySend([A, B], '/closed'), false, 'an empty list: nobody');
      assert.equal(authorization.maySend([A], '/a'), true, '/a/# covers what is below /a only');
    });

    it('allows a client by any certificate of its chain, a CA for every client it signed', () => {
      assert.equal(authorization.mayReceive([A, CA], '/ca/only/x'), true);
      assert.equal(authorization.mayReceive([A], '/ca/only/x'), false);
      assert.equal(authorization.mayReceive([A], '/ca/only/#'), false, 'a wildcard channel by the rule of its own name');
      assert.equal(authorization.maySend([A], '/ca/only/x'), true, 'send and receive are separate');
    });

    it("keeps TIE's request topics and server events for the simulator by default, and nothing else", () => {
      const simulator = 'd'.repeat(40);
      const defaults = new TopicAuthorization(tieSimulatorPolicy(simulator));
      for (const topic of Object.values(TieTopic)) {
        const request = topic.startsWith('/mcafee/service/tie/');
        const serverEvent = topic.startsWith('/mcafee/event/tie/');
        assert.equal(defaults.mayReceive([A, CA], topic), !request, `receive ${topic}`);
        assert.equal(defaults.mayReceive([simulator], topic), true, `the simulator receives ${topic}`);
        assert.equal(defaults.maySend([A, CA], topic), !serverEvent, `send ${topic}`);
        assert.equal(defaults.maySend([simulator], topic), true, `the simulator sends ${topic}`);
      }
      assert.equal(defaults.maySend([A], TieTopic.EXTERNAL_FILE_REPORT_EVENT), true, 'anyone reports to the External provider');
      assert.equal(defaults.maySend([A], '/mcafee/event/epo/threat/response'), false);
      assert.equal(defaults.maySend([A], '/mcafee/event/dxl/svcregistry/register'), true);
    });
  });

  describe('on the fabric, with the official OpenDXL client', () => {
    const GUARDED = '/policy/guarded/service';
    const PRIVATE_EVENTS = '/policy/private/events';
    const OPEN_EVENTS = '/policy/open/events';
    let fabric: RunningFabric;
    let dataDir: string;
    let trusted: FabricIdentity;
    let stranger: FabricIdentity;
    const clients: OfficialClient[] = [];

    before(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-fabric-policy-'));
      // A first start for the CA that signs the test's identities; the policy names them.
      const bare = await startFabric({ port: 0, dataDir, simulator: false });
      trusted = issueFabricIdentity(bare, 'trusted', dataDir);
      stranger = issueFabricIdentity(bare, 'stranger', dataDir);
      await bare.close();
      const policy: TopicPolicy = {
        send: [{ topic: GUARDED, clients: [trusted.sha1] }],
        receive: [{ topic: '/policy/private/#', clients: [trusted.sha1] }],
      };
      const file = path.join(dataDir, 'topicauth.policy');
      fs.writeFileSync(file, `// written by the test\n${JSON.stringify(policy, null, 2)}\n`);
      fabric = await startFabric({ port: 0, dataDir, simulator: false, policy: file });
      assert.deepEqual(fabric.policy, policy);
    });
    after(async () => {
      await Promise.all(clients.splice(0).map(closeOfficialClient));
      await fabric?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const connect = async (identity: FabricIdentity): Promise<OfficialClient> => {
      const client = await connectOfficialClient(identity, { host: '127.0.0.1', port: fabric.port });
      clients.push(client);
      return client;
    };

    /** The request's answer, or 'no answer' when none came within the time (the official client has no timeout). */
    const answerWithin = (request: Promise<OfficialMessage>, ms: number): Promise<string> =>
      Promise.race([
        request.then((response) => payloadText(response)),
        new Promise<string>((resolve) => setTimeout(() => resolve('no answer'), ms)),
      ]);

    it('answers the request of a client allowed to send on the topic, and drops a stranger’s without a word', async () => {
      const service = await connect(stranger);
      await registerOfficialService(service, '/policy/service', { [GUARDED]: () => 'served' });
      assert.equal(payloadText(await officialRequest(await connect(trusted), GUARDED, 'hello')), 'served');
      assert.equal(await answerWithin(officialRequest(await connect(stranger), GUARDED, 'hello'), 1500), 'no answer');
    });

    it('delivers a restricted topic only to the clients allowed to receive it', async () => {
      const byTrusted: string[] = [];
      const byStranger: string[] = [];
      const events = (into: string[]) => (event: OfficialMessage) => {
        if (event.destinationTopic === PRIVATE_EVENTS || event.destinationTopic === OPEN_EVENTS) into.push(payloadText(event));
      };
      await subscribeOfficial(await connect(trusted), '/policy/#', events(byTrusted));
      // Its probe goes to /policy/probe, which it may receive.
      await subscribeOfficial(await connect(stranger), '/policy/#', events(byStranger));
      const sender = await connect(stranger);
      officialEvent(sender, PRIVATE_EVENTS, 'private');
      officialEvent(sender, OPEN_EVENTS, 'open');
      await eventually(() => byTrusted.length === 2 && byStranger.length === 1, 'the deliveries', 10_000);
      assert.deepEqual(byTrusted, ['private', 'open']);
      assert.deepEqual(byStranger, ['open'], 'the private event was withheld; the open one, sent after it, came');
    });

    it('refuses a service on a channel its client may not receive, and lists no unauthorized channel for the one it accepts', async () => {
      await assert.rejects(
        registerOfficialService(await connect(stranger), '/policy/private-service', { '/policy/private/service': () => 'x' }),
        /register refused: requestChannels\[0\] is a topic the topic policy does not let this client receive/,
      );
      const owner = await connect(trusted);
      await registerOfficialService(owner, '/policy/private-service', { '/policy/private/service': () => 'private answer' });
      const response = await officialRequest(owner, '/mcafee/service/dxl/svcregistry/query', '{"serviceType":"/policy/private-service"}');
      const { services } = JSON.parse(payloadText(response)) as { services: Record<string, { unauthorizedChannels: string[] }> };
      assert.deepEqual(
        Object.values(services).map((entry) => entry.unauthorizedChannels),
        [[]],
      );
      assert.equal(payloadText(await officialRequest(await connect(stranger), '/policy/private/service', '')), 'private answer');
    });

    it('refuses to start with a policy file it cannot read, before writing anything', async () => {
      const fresh = path.join(dataDir, 'never-made');
      await assert.rejects(startFabric({ port: 0, dataDir: fresh, policy: path.join(dataDir, 'absent.policy') }), {
        code: TopicPolicyErrorCode.Unreadable,
      });
      assert.equal(fs.existsSync(fresh), false);
    });
  });
});
