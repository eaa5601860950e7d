import assert from 'node:assert/strict';
import { type DxlMessage, MessageType, emptyMessage } from '../src/dxl/message';
import { decodeMessage, encodeMessage } from '../src/dxl/envelope';
import { DxlErrorCode } from '../src/dxl/errors';
import vectorsFixture from './fixtures/dxl-test-vectors.json';

interface VectorPayload {
  hex?: string;
  string?: string;
  utf8?: string;
}
interface VectorFields {
  version: number;
  messageType: number;
  messageId: string;
  sourceClientId: string;
  sourceBrokerId: string;
  brokerIds: string[];
  clientIds: string[];
  payload: VectorPayload;
  otherFields: Record<string, string>;
  sourceTenantGuid?: string;
  destinationTenantGuids?: string[];
  replyToTopic?: string;
  serviceId?: string;
  requestMessageId?: string;
  errorCode?: number;
  errorMessage?: string;
  sourceClientInstanceId?: string;
}
interface Vector {
  name: string;
  producer: string;
  mqtt_topic: string;
  /** Absent for vectors not built from field values; their decoded fields stand in. */
  fields?: VectorFields;
  hex: string;
  decoded_by_reference: VectorFields;
}

const vectors = (vectorsFixture as unknown as { vectors: Vector[] }).vectors;

// The official client's own decoder, used as an independent judge of what we encode.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const officialDecode = require('@opendxl/dxl-client/lib/decode-message') as (raw: Buffer) => Record<string, unknown>;

function payloadBytes(payload: VectorPayload): Buffer {
  if (payload.hex !== undefined) return Buffer.from(payload.hex, 'hex');
  return Buffer.from(payload.string ?? payload.utf8 ?? '', 'utf8');
}

function messageFromFields(fields: VectorFields, topic: string): DxlMessage {
  const message = emptyMessage(fields.messageType, topic);
  Object.assign(message, {
    messageId: fields.messageId,
    sourceClientId: fields.sourceClientId,
    sourceBrokerId: fields.sourceBrokerId,
    brokerIds: fields.brokerIds,
    clientIds: fields.clientIds,
    payload: payloadBytes(fields.payload),
    otherFields: fields.otherFields,
    sourceTenantGuid: fields.sourceTenantGuid ?? '',
    destinationTenantGuids: fields.destinationTenantGuids ?? [],
    replyToTopic: fields.replyToTopic ?? '',
    serviceId: fields.serviceId ?? '',
    requestMessageId: fields.requestMessageId ?? '',
    errorCode: fields.errorCode === undefined ? 0 : fields.errorCode >>> 0,
    errorMessage: fields.errorMessage ?? '',
  });
  return message;
}

describe('DXL codec', () => {
  it('has vectors to check', () => assert.ok(vectors.length >= 8, `only ${vectors.length} vectors`));

  for (const vector of vectors) {
    describe(`vector ${vector.name}`, () => {
      const expected = vector.decoded_by_reference;
      const decoded = (): DxlMessage => decodeMessage(Buffer.from(vector.hex, 'hex'), vector.mqtt_topic);

      it('decodes to the listed fields', () => {
        const message = decoded();
        assert.equal(message.version, expected.version);
        assert.equal(message.messageType, expected.messageType);
        assert.equal(message.messageId, expected.messageId);
        assert.equal(message.sourceClientId, expected.sourceClientId);
        assert.equal(message.sourceBrokerId, expected.sourceBrokerId);
        assert.deepEqual(message.brokerIds, expected.brokerIds);
        assert.deepEqual(message.clientIds, expected.clientIds);
        assert.equal(message.payload.toString('hex'), payloadBytes(expected.payload).toString('hex'));
        assert.deepEqual(message.otherFields, expected.otherFields);
        assert.equal(message.sourceTenantGuid, expected.sourceTenantGuid ?? '');
        assert.deepEqual(message.destinationTenantGuids, expected.destinationTenantGuids ?? []);
        assert.equal(message.replyToTopic, expected.replyToTopic ?? '');
        assert.equal(message.serviceId, expected.serviceId ?? '');
        assert.equal(message.requestMessageId, expected.requestMessageId ?? '');
        if (expected.errorCode !== undefined) assert.equal(message.errorCode, expected.errorCode >>> 0, 'error code normalised to uint32');
        assert.equal(message.errorMessage, expected.errorMessage ?? '');
        assert.equal(message.destinationTopic, vector.mqtt_topic);
      });

      it('re-encodes to bytes the official decoder reads as the same fields', () => {
        const fields = vector.fields ?? vector.decoded_by_reference;
        const ours = encodeMessage(messageFromFields(fields, vector.mqtt_topic));
        const theirs = officialDecode(ours);
        assert.equal(theirs.version, 2);
        assert.equal(theirs.messageType, fields.messageType);
        assert.equal(theirs.messageId, fields.messageId);
        assert.equal(theirs.sourceClientId, fields.sourceClientId);
        assert.equal(theirs.sourceBrokerId, fields.sourceBrokerId);
        assert.deepEqual(theirs.brokerIds, fields.brokerIds);
        assert.deepEqual(theirs.clientIds, fields.clientIds);
        assert.equal(Buffer.from(theirs.payload as Buffer).toString('hex'), payloadBytes(fields.payload).toString('hex'));
        assert.deepEqual(theirs.otherFields, fields.otherFields);
        assert.equal(theirs.sourceTenantGuid, fields.sourceTenantGuid ?? '');
        assert.deepEqual(theirs.destinationTenantGuids, fields.destinationTenantGuids ?? []);
        const messageType = fields.messageType as MessageType;
        if (messageType === MessageType.Request) {
          assert.equal(theirs.replyToTopic, fields.replyToTopic);
          assert.equal(theirs.serviceId, fields.serviceId);
        }
        if (messageType === MessageType.Response || messageType === MessageType.ErrorResponse) {
          assert.equal(theirs.requestMessageId, fields.requestMessageId);
          assert.equal(theirs.serviceId, fields.serviceId);
        }
        if (messageType === MessageType.ErrorResponse) {
          assert.equal((theirs.errorCode as number) >>> 0, (fields.errorCode ?? 0) >>> 0);
          assert.equal(theirs.errorMessage, fields.errorMessage);
        }
      });

      const fields = vector.fields;
      if (fields && vector.producer.includes('Message#_toBytes') && fields.payload.string !== undefined) {
        it('re-encodes byte for byte like the reference (string payload)', () => {
          const ours = encodeMessage(messageFromFields(fields, vector.mqtt_topic));
          assert.equal(ours.toString('hex'), vector.hex);
        });
      }
    });
  }

  it('writes byte payloads in the str family, never bin (the OpenDXL broker drops bin payloads)', () => {
    const message = emptyMessage(MessageType.Event, '/t');
    message.payload = Buffer.from([0, 1, 0xfe, 0xff]);
    const bytes = encodeMessage(message);
    assert.ok(bytes.includes(Buffer.from('a40001feff', 'hex')));
    assert.ok(!bytes.includes(Buffer.from('c404', 'hex')));
  });

  it('round-trips long strings and arrays through every length class', () => {
    for (const length of [0, 31, 32, 255, 256, 65535, 65536]) {
      const message = emptyMessage(MessageType.ErrorResponse, '/t');
      message.messageId = 'm'.repeat(length);
      message.payload = Buffer.alloc(length, 0x61);
      message.clientIds = Array.from({ length: length > 300 ? 17 : 3 }, (_, i) => `c${i}`);
      message.otherFields = { k: 'v'.repeat(length) };
      message.errorCode = 0x80000001;
      message.errorMessage = 'é'.repeat(40);
      const back = decodeMessage(encodeMessage(message), '/t');
      assert.equal(back.messageId.length, length);
      assert.equal(back.payload.length, length);
      assert.deepEqual(back.clientIds, message.clientIds);
      assert.equal(back.otherFields.k.length, length);
      assert.equal(back.errorCode, 0x80000001);
      assert.equal(back.errorMessage, message.errorMessage);
    }
  });

  it('reads a message that ends early with the missing fields empty', () => {
    const full = encodeMessage(Object.assign(emptyMessage(MessageType.Event, '/t'), { messageId: 'id', payload: Buffer.from('x') }));
    const truncated = full.subarray(0, full.length - 3); // drops otherFields and the tenant fields
    const message = decodeMessage(truncated, '/t');
    assert.equal(message.messageId, 'id');
    assert.equal(message.payload.toString(), 'x');
    assert.deepEqual(message.otherFields, {});
    assert.deepEqual(message.destinationTenantGuids, []);
  });

  it('ignores fields of later versions', () => {
    const v2 = encodeMessage(Object.assign(emptyMessage(MessageType.Event, '/t'), { messageId: 'id' }));
    const v5 = Buffer.concat([Buffer.from([5]), v2.subarray(1), Buffer.from('a3696e73a5657874726192c3c2', 'hex')]);
    const message = decodeMessage(v5, '/t');
    assert.equal(message.version, 5);
    assert.equal(message.messageId, 'id');
    assert.equal(message.sourceClientInstanceId, 'ins');
  });

  it('treats nil in a string position as empty', () => {
    const bytes = Buffer.from('0200a26964c0c09090a0c0a090', 'hex');
    const message = decodeMessage(bytes, '/t');
    assert.equal(message.messageId, 'id');
    assert.equal(message.sourceClientId, '');
    assert.equal(message.replyToTopic, '');
  });

  it('rejects what is not a DXL message with DXL_MALFORMED', () => {
    for (const hex of ['', '02', '0209', '02 00 c3'.replace(/ /g, ''), '0200d9ff41', '020090']) {
      assert.throws(
        () => decodeMessage(Buffer.from(hex, 'hex')),
        (error: { code?: string }) => error.code === DxlErrorCode.Malformed,
        hex,
      );
    }
  });
});
