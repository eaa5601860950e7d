/**
 * Malformed traffic, fuzzed: random and mutated DXL envelopes through the decoder (and, for those
 * it accepts, through the encoder the fabric re-encodes them with), and random and mutated TIE
 * payloads through every event decoder of the nodes and every response path of the request nodes.
 * Seeded (FAULTS_SEED overrides the default), so a failure is reproducible: the test prints the seed.
 * The only errors allowed are the documented ones: DXL_MALFORMED from the decoder, and
 * TIE_INVALID_RESPONSE from the TIE layer.
 */
import assert from 'node:assert/strict';
import { type DxlMessage, MessageType, emptyMessage } from '../../src/dxl/message';
import { decodeMessage, encodeMessage } from '../../src/dxl/envelope';
import { DxlError, DxlErrorCode } from '../../src/dxl/errors';
import vectorsFixture from '../fixtures/dxl-test-vectors.json';
import { REPUTATION_CHANGE_FILTERS } from '../../nodes/kit/common-properties';
import {
  decodeReputationChange,
  detectionMessage,
  firstInstanceMessage,
  passesReputationChangeFilter,
  reputationChangeMessage,
} from '../../nodes/kit/event-sources';
import { decodeEvent } from '../../src/tie/event-feeds';
import { transformDetectionEvent, transformFirstInstanceEvent, transformReputationChangeEvent } from '../../src/tie/payloads';
import { TieNodeError } from '../../nodes/kit/errors';
import { firstReferencesOperation, getReputationOperation } from '../../nodes/kit/operations';
import { TieClient } from '../../src/tie/client';
import { TieError, TieErrorCode } from '../../src/tie/errors';
import { TieTopic } from '../../src/tie/topics';
import type { DxlMessaging } from '../../src/dxl/api';
import { type Figures, recordFigures } from './support/figures';
import { type Json, mutateBytes, mutateJson, randomJson } from './support/mutations';
import { Prng, fuzzSeed } from './support/prng';
import { EVENT_SEEDS, RESPONSE_SEEDS } from './support/tie-seeds';

const WIRE_CASES = 60_000;
const EVENT_CASES = 40_000;
const RESPONSE_CASES = 20_000;

/** Failures kept for the report: the first few, with what reproduces them. */
class Failures {
  readonly kept: string[] = [];
  /** How many failures of each kind (where, and the error with its numbers left out). */
  readonly kinds = new Map<string, number>();
  count = 0;
  add(where: string, replay: string, error: string): void {
    this.count++;
    const kind = `${where}: ${error.replace(/\d+/g, 'N')}`;
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    if (this.kept.length < 5) this.kept.push(`${where} ${replay}: ${error}`);
  }
  assertNone(seed: number, cases: number): void {
    const kinds = [...this.kinds].map(([kind, n]) => `${n}× ${kind}`).join('\n');
    assert.equal(this.count, 0, `${this.count} of ${cases} cases failed (seed ${seed}):\n${kinds}\nfirst ones:\n${this.kept.join('\n')}`);
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const codeText =
    typeof code === 'string' || typeof code === 'number' ? String(code) : code === undefined || code === null ? '' : JSON.stringify(code);
  return `${error.name} ${codeText}: ${error.message}`;
}

// ---- DXL envelopes ----

function wireSeeds(): Buffer[] {
  const seeds: Buffer[] = [];
  for (const vector of vectorsFixture.vectors) seeds.push(Buffer.from(vector.hex, 'hex'));
  for (const type of [MessageType.Request, MessageType.Response, MessageType.Event, MessageType.ErrorResponse]) {
    const message = emptyMessage(type, '/mcafee/service/tie/file/reputation');
    message.messageId = '{5f2b6d3c-0d8f-4f0a-9d8e-4f3b1e2a7c11}';
    message.sourceClientId = '{a2a1f9b0-8c31-4c55-9f3a-0b1d9c8e7f66}';
    message.brokerIds = ['{broker-1}'];
    message.clientIds = ['{client-1}', '{client-2}'];
    message.payload = Buffer.from(JSON.stringify(RESPONSE_SEEDS[0]));
    message.otherFields = { 'dxl.certs': 'abc;def', key: 'value' };
    message.replyToTopic = '/mcafee/client/{a2a1f9b0-8c31-4c55-9f3a-0b1d9c8e7f66}';
    message.serviceId = '{service-1}';
    message.requestMessageId = '{5f2b6d3c-0d8f-4f0a-9d8e-4f3b1e2a7c10}';
    message.errorCode = 0x80000001;
    message.errorMessage = 'unable to locate service for request';
    seeds.push(encodeMessage(message));
  }
  // Error responses whose code is a 64-bit integer, as msgpack allows: the decoder must still give 32 bits.
  const error = emptyMessage(MessageType.ErrorResponse, '/mcafee/client/{x}');
  error.errorCode = 0x55;
  error.errorMessage = 'E';
  const plain = encodeMessage(error);
  const at = plain.indexOf(Buffer.from([0x55, 0xa1, 0x45]));
  for (const wide of ['d38000000000000000', 'd3ffffffff00000001', 'cfffffffffffffffff', 'cf0000000180000001']) {
    seeds.push(Buffer.concat([plain.subarray(0, at), Buffer.from(wide, 'hex'), plain.subarray(at + 1)]));
  }
  return seeds;
}

/** What a decoded message must look like whatever the bytes were. */
function checkShape(message: DxlMessage): string | undefined {
  const strings = [
    'messageId',
    'sourceClientId',
    'sourceBrokerId',
    'sourceTenantGuid',
    'sourceClientInstanceId',
    'replyToTopic',
    'serviceId',
    'requestMessageId',
    'errorMessage',
  ] as const;
  for (const field of strings) if (typeof message[field] !== 'string') return `${field} is ${typeof message[field]}`;
  for (const field of ['brokerIds', 'clientIds', 'destinationTenantGuids'] as const) {
    if (!Array.isArray(message[field]) || message[field].some((value) => typeof value !== 'string'))
      return `${field} is not a list of strings`;
  }
  if (!Buffer.isBuffer(message.payload)) return 'payload is not a Buffer';
  if (!Number.isInteger(message.errorCode) || message.errorCode < 0 || message.errorCode > 0xffffffff)
    return `errorCode ${message.errorCode} is not an unsigned 32-bit value`;
  if (!(message.messageType >= MessageType.Request && message.messageType <= MessageType.ErrorResponse))
    return `messageType ${message.messageType}`;
  if (Object.values(message.otherFields).some((value) => typeof value !== 'string')) return 'otherFields holds a non-string';
  return undefined;
}

// ---- TIE payloads ----

function eventMessage(topic: string, payload: Buffer): DxlMessage {
  const message = emptyMessage(MessageType.Event, topic);
  message.payload = payload;
  message.messageId = '{event}';
  return message;
}

function allowedTieError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return (error instanceof TieError || error instanceof TieNodeError) && code === TieErrorCode.InvalidResponse;
}

/** Every event decoder of the event nodes, on one payload; each result must survive JSON (Node-RED clones msgs). */
function throughEventDecoders(payload: Buffer, failures: Failures, replay: string): number {
  let decoded = 0;
  const attempts: Array<[string, () => unknown]> = [
    [
      'file reputation change',
      () => {
        const message = eventMessage(TieTopic.FILE_REPUTATION_CHANGE_EVENT, payload);
        const change = decodeReputationChange(decodeEvent(message, transformReputationChangeEvent), 'file');
        for (const filter of REPUTATION_CHANGE_FILTERS) passesReputationChangeFilter(filter, change);
        return reputationChangeMessage(change, message);
      },
    ],
    [
      'certificate reputation change',
      () => {
        const message = eventMessage(TieTopic.CERT_REPUTATION_CHANGE_EVENT, payload);
        return reputationChangeMessage(
          decodeReputationChange(decodeEvent(message, transformReputationChangeEvent), 'certificate'),
          message,
        );
      },
    ],
    [
      'detection',
      () => {
        const message = eventMessage(TieTopic.FILE_DETECTION_EVENT, payload);
        return detectionMessage(decodeEvent(message, transformDetectionEvent), message);
      },
    ],
    [
      'first instance',
      () => {
        const message = eventMessage(TieTopic.FILE_FIRST_INSTANCE_EVENT, payload);
        return firstInstanceMessage(decodeEvent(message, transformFirstInstanceEvent), message);
      },
    ],
  ];
  for (const [what, attempt] of attempts) {
    try {
      JSON.stringify(attempt());
      decoded++;
    } catch (error) {
      if (!allowedTieError(error)) failures.add(what, replay, describeError(error));
    }
  }
  return decoded;
}

/** A DXL client that answers every request with the payload under test. */
function answering(payload: () => Buffer): DxlMessaging {
  const unused = (): never => {
    throw new Error('not used by the fuzz');
  };
  return {
    clientId: '{fuzz}',
    request: (topic) =>
      new Promise((resolve) => {
        const response = emptyMessage(MessageType.Response, '/mcafee/client/{fuzz}');
        response.payload = payload();
        response.requestMessageId = '{request}';
        void topic;
        resolve(response);
      }),
    sendEvent: unused,
    subscribe: unused,
    registerService: unused,
    sendResponse: unused,
    sendErrorResponse: unused,
  };
}

describe('faults: malformed traffic, fuzzed', function () {
  this.timeout(120_000);
  const seed = fuzzSeed(20240611);
  const figures: Figures = { seed };

  after(() => recordFigures('fuzz', figures));

  it(`decodes ${WIRE_CASES} random and mutated DXL envelopes without an undocumented error, and re-encodes what it accepts`, () => {
    const prng = new Prng(seed);
    const seeds = wireSeeds();
    const failures = new Failures();
    let accepted = 0;
    let malformed = 0;
    for (let i = 0; i < WIRE_CASES; i++) {
      const bytes = prng.chance(0.1) ? prng.bytes(prng.int(64)) : mutateBytes(prng.pick(seeds), prng, seeds);
      const replay = `case ${i} (${bytes.toString('hex').slice(0, 120)})`;
      let message: DxlMessage;
      try {
        message = decodeMessage(bytes, '/fuzz/topic');
      } catch (error) {
        if (error instanceof DxlError && error.code === DxlErrorCode.Malformed) malformed++;
        else failures.add('decode', replay, describeError(error));
        continue;
      }
      accepted++;
      const shape = checkShape(message);
      if (shape !== undefined) failures.add('decode', replay, shape);
      try {
        const again = decodeMessage(encodeMessage(message), '/fuzz/topic');
        if (again.messageId !== message.messageId || !again.payload.equals(message.payload) || again.errorCode !== message.errorCode) {
          failures.add('re-encode', replay, 'fields changed');
        }
      } catch (error) {
        failures.add('re-encode', replay, describeError(error));
      }
    }
    Object.assign(figures, { wireCases: WIRE_CASES, wireAccepted: accepted, wireMalformed: malformed, wireFailures: failures.count });
    failures.assertNone(seed, WIRE_CASES);
    assert.ok(
      accepted > WIRE_CASES / 20 && malformed > WIRE_CASES / 20,
      `both outcomes exercised: ${accepted} accepted, ${malformed} malformed`,
    );
  });

  it(`decodes ${EVENT_CASES} random and mutated TIE events in every event node's decoder with no error but TIE_INVALID_RESPONSE`, () => {
    const prng = new Prng(seed + 1);
    const failures = new Failures();
    let decoded = 0;
    for (let i = 0; i < EVENT_CASES; i++) {
      const source = prng.pick(EVENT_SEEDS);
      const roll = prng.int(10);
      let payload: Buffer;
      if (roll < 6) payload = Buffer.from(JSON.stringify(mutateJson(source, prng)));
      else if (roll < 9) payload = mutateBytes(Buffer.from(JSON.stringify(source)), prng, [Buffer.from('\n\u0000')]);
      else payload = Buffer.from(JSON.stringify(randomJson(prng)));
      decoded += throughEventDecoders(payload, failures, `case ${i} (${payload.toString('utf8').slice(0, 200)})`);
    }
    Object.assign(figures, {
      eventCases: EVENT_CASES,
      eventDecoderRuns: EVENT_CASES * 4,
      eventDecoded: decoded,
      eventFailures: failures.count,
    });
    failures.assertNone(seed + 1, EVENT_CASES);
    assert.ok(decoded > EVENT_CASES / 4, `well-formed enough events still decode: ${decoded}`);
  });

  it(`answers ${RESPONSE_CASES} random and mutated TIE responses through the request nodes' operations with no error but TIE_INVALID_RESPONSE`, async () => {
    const prng = new Prng(seed + 2);
    const failures = new Failures();
    let current: Buffer = Buffer.alloc(0);
    const tie = new TieClient(answering(() => current));
    const file = { subject: 'file' as const, hashes: { md5: 'f2c7bb8acc97f92e987a2d4087d021b1' } };
    const certificate = { subject: 'certificate' as const, sha1: '6eae26db8c13182a7947982991b4321732cc3de2' };
    let answered = 0;
    for (let i = 0; i < RESPONSE_CASES; i++) {
      const source: Json = prng.pick(RESPONSE_SEEDS);
      current = prng.chance(0.7)
        ? Buffer.from(JSON.stringify(mutateJson(source, prng)))
        : mutateBytes(Buffer.from(JSON.stringify(source)), prng, [Buffer.from('{}')]);
      const replay = `case ${i} (${current.toString('utf8').slice(0, 200)})`;
      const runs: Array<[string, () => Promise<unknown>]> = [
        ['file reputation', () => getReputationOperation.run(tie, file)],
        ['certificate reputation', () => getReputationOperation.run(tie, certificate)],
        ['first references', () => firstReferencesOperation.run(tie, { target: file, queryLimit: 10 })],
      ];
      for (const [what, run] of runs) {
        try {
          JSON.stringify(await run());
          answered++;
        } catch (error) {
          if (!allowedTieError(error)) failures.add(what, replay, describeError(error));
        }
      }
    }
    await tie.close();
    Object.assign(figures, {
      responseCases: RESPONSE_CASES,
      responseOperationRuns: RESPONSE_CASES * 3,
      responsesAnswered: answered,
      responseFailures: failures.count,
    });
    failures.assertNone(seed + 2, RESPONSE_CASES);
    assert.ok(answered > RESPONSE_CASES / 4, `well-formed enough responses still answer: ${answered}`);
  });
});
