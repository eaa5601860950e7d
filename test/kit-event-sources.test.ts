import assert from 'node:assert/strict';
import { emptyMessage, MessageType } from '../src/dxl/message';
import { TieError } from '../src/tie/errors';
import { decodeEvent } from '../src/tie/event-feeds';
import { transformDetectionEvent, transformFirstInstanceEvent, transformReputationChangeEvent } from '../src/tie/payloads';
import { decideExternalReputation } from '../src/tie/external-decision';
import { TieTopic } from '../src/tie/topics';
import type { Reputations } from '../src/tie/types';
import {
  type ReputationChangeFilter,
  decodeReputationChange,
  detectionMessage,
  firstInstanceMessage,
  passesReputationChangeFilter,
  reputationChangeMessage,
} from '../nodes/kit/event-sources';

function rep(providerId: number, trustLevel: number): Record<string, unknown> {
  return { providerId, trustLevel, createDate: 1409783001, attributes: {} };
}

function event(topic: string, payload: unknown, messageId = '{m1}'): ReturnType<typeof emptyMessage> {
  const message = emptyMessage(MessageType.Event, topic);
  message.messageId = messageId;
  message.sourceClientId = '{tie}';
  message.payload = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return message;
}

const FILE_HASHES = [{ type: 'md5', value: 'bQvLG6j1WmwRB8LZ2gPa1w==' }];

function change(oldLevels: Array<[number, number]>, newLevels: Array<[number, number]>): ReturnType<typeof emptyMessage> {
  return event(TieTopic.FILE_REPUTATION_CHANGE_EVENT, {
    hashes: FILE_HASHES,
    oldReputations: { reputations: oldLevels.map(([p, t]) => rep(p, t)), props: { serverTime: 1 } },
    newReputations: { reputations: newLevels.map(([p, t]) => rep(p, t)), props: { serverTime: 1 } },
    updateTime: 1409851328,
  });
}

function passes(filter: ReputationChangeFilter, message: ReturnType<typeof emptyMessage>): boolean {
  return passesReputationChangeFilter(filter, decodeReputationChange(decodeEvent(message, transformReputationChangeEvent), 'file'));
}

describe('kit: event messages and filters', () => {
  it('turns a reputation change into the Python callback dict plus both verdicts and the DXL metadata', () => {
    const message = change(
      [
        [1, 99],
        [3, 0],
      ],
      [
        [1, 99],
        [3, 85],
      ],
    );
    const decoded = decodeReputationChange(decodeEvent(message, transformReputationChangeEvent), 'file');
    const out = reputationChangeMessage(decoded, message);
    assert.equal(out.topic, TieTopic.FILE_REPUTATION_CHANGE_EVENT);
    const payload = out.payload as { hashes: Record<string, string>; newReputations: Reputations; updateTime: number };
    assert.deepEqual(payload.hashes, { md5: '6d0bcb1ba8f55a6c1107c2d9da03dad7' });
    assert.equal(payload.newReputations[3].trustLevel, 85);
    assert.equal(payload.updateTime, 1409851328);
    assert.equal((out.verdict as { trustLevel: number }).trustLevel, 85);
    assert.equal((out.previousVerdict as { trustLevel: number }).trustLevel, 99);
    assert.deepEqual(out.dxl, { messageId: '{m1}', sourceClientId: '{tie}', sourceBrokerId: '' });
  });

  it('filters on the effective trust level: changed, now malicious, now trusted', () => {
    const override = change(
      [
        [1, 99],
        [3, 0],
      ],
      [
        [1, 99],
        [3, 99],
      ],
    ); // verdict 99 → 99
    const toMalicious = change(
      [
        [1, 50],
        [3, 0],
      ],
      [
        [1, 50],
        [3, 15],
      ],
    );
    const toTrusted = change(
      [
        [1, 1],
        [3, 0],
      ],
      [
        [1, 1],
        [3, 85],
      ],
    );
    const stillMalicious = change([[1, 1]], [[1, 15]]);
    assert.equal(passes('all', override), true);
    assert.equal(passes('effective-changed', override), false);
    assert.equal(passes('effective-changed', toMalicious), true);
    assert.equal(passes('now-malicious', toMalicious), true);
    assert.equal(passes('now-malicious', stillMalicious), false);
    assert.equal(passes('now-malicious', toTrusted), false);
    assert.equal(passes('now-trusted', toTrusted), true);
    assert.equal(passes('now-trusted', override), false);
  });

  it('decodes detections with the local reputation named and the time as ISO', () => {
    const message = event(TieTopic.FILE_DETECTION_EVENT, {
      agentGuid: '{abc}',
      detectionTime: 1402617156,
      hashes: [{ type: 'md5', value: 'CZnbhOFq32TBWnuAOUhLMw==' }],
      localReputation: 1,
      name: 'X.EXE',
      remediationAction: 5,
    });
    const out = detectionMessage(decodeEvent(message, transformDetectionEvent), message);
    assert.deepEqual((out.payload as { hashes: unknown }).hashes, { md5: '0999db84e16adf64c15a7b8039484b33' });
    assert.deepEqual(out.localReputation, { trustLevel: 1, trustLevelName: 'Known Malicious', category: 'malicious' });
    assert.equal(out.detectionDate, '2014-06-12T23:52:36.000Z');
  });

  it('decodes first instances and refuses events that are not TIE payloads', () => {
    const message = event(TieTopic.FILE_FIRST_INSTANCE_EVENT, {
      agentGuid: 'g',
      name: 'MORPH.EXE',
      hashes: [{ type: 'md5', value: 'MdvozEQ9LKf9I2rAClL7Fw==' }],
    });
    const out = firstInstanceMessage(decodeEvent(message, transformFirstInstanceEvent), message);
    assert.deepEqual(out.payload, { agentGuid: 'g', name: 'MORPH.EXE', hashes: { md5: '31dbe8cc443d2ca7fd236ac00a52fb17' } });
    assert.throws(
      () => decodeEvent(event(TieTopic.FILE_FIRST_INSTANCE_EVENT, 'not json'), transformFirstInstanceEvent),
      (error: unknown) => {
        assert.ok(error instanceof TieError);
        assert.equal(error.code, 'TIE_INVALID_RESPONSE');
        assert.match(error.message, /^event on \/mcafee\/event\/tie\/file\/firstinstance is not JSON: /);
        return true;
      },
    );
  });
});

describe('kit: check-first External reputation', () => {
  const reputations = (levels: Array<[number, number]>): Reputations =>
    Object.fromEntries(levels.map(([p, t]) => [p, rep(p, t)])) as unknown as Reputations;

  it('sends when no provider but External is definitive (Not Set and Unknown are not)', () => {
    assert.equal(
      decideExternalReputation(
        reputations([
          [1, 50],
          [3, 0],
        ]),
      ).send,
      true,
    );
    assert.equal(
      decideExternalReputation(
        reputations([
          [1, 50],
          [15, 99],
        ]),
      ).send,
      true,
    );
    assert.equal(decideExternalReputation({}).send, true);
  });

  it('skips, naming the provider, when another provider is definitive', () => {
    const decision = decideExternalReputation(
      reputations([
        [1, 99],
        [3, 0],
      ]),
    );
    assert.equal(decision.send, false);
    if (decision.send) return;
    assert.equal(decision.providerId, 1);
    assert.match(decision.reason, /^Global Threat Intelligence \(GTI\) already has a definitive reputation \(Known Trusted, 99\)/);
    const enterprise = decideExternalReputation(
      reputations([
        [1, 50],
        [3, 15],
      ]),
    );
    assert.equal(enterprise.send, false);
    if (!enterprise.send) assert.equal(enterprise.providerId, 3);
  });
});
