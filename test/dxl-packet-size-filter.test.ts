import assert from 'node:assert/strict';
import { type OversizedPacket, type OversizedPacketAction, PacketSizeFilter } from '../src/dxl/packet-filter';

function remainingLength(length: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    bytes.push(byte);
  } while (length > 0);
  return Buffer.from(bytes);
}

function publish(topic: string, payloadBytes: number, qos = 0): Buffer {
  const topicBytes = Buffer.from(topic);
  const variable = Buffer.concat([
    Buffer.from([topicBytes.length >> 8, topicBytes.length & 0xff]),
    topicBytes,
    qos > 0 ? Buffer.from([0x00, 0x01]) : Buffer.alloc(0),
  ]);
  const payload = Buffer.alloc(payloadBytes, 0x61);
  return Buffer.concat([Buffer.from([0x30 | (qos << 1)]), remainingLength(variable.length + payloadBytes), variable, payload]);
}

function subscribe(topic: string): Buffer {
  const topicBytes = Buffer.from(topic);
  const body = Buffer.concat([Buffer.from([0x00, 0x01, topicBytes.length >> 8, topicBytes.length & 0xff]), topicBytes, Buffer.from([0])]);
  return Buffer.concat([Buffer.from([0x82]), remainingLength(body.length), body]);
}

const PINGREQ = Buffer.from([0xc0, 0x00]);

/** Feeds `input` in chunks of the given sizes (cycled) and collects what comes out. */
function run(
  limit: number,
  input: Buffer,
  chunkSizes: number[],
  action: OversizedPacketAction = 'close',
): { output: Buffer; violation?: string; skipped: OversizedPacket[] } {
  const filter = new PacketSizeFilter(limit, action);
  const output: Buffer[] = [];
  const skipped: OversizedPacket[] = [];
  let violation: string | undefined;
  for (let offset = 0, i = 0; offset < input.length; i++) {
    const size = chunkSizes[i % chunkSizes.length];
    const result = filter.filter(input.subarray(offset, offset + size));
    offset += size;
    output.push(...result.output);
    skipped.push(...(result.skipped ?? []));
    violation ??= result.violation;
  }
  return violation === undefined ? { output: Buffer.concat(output), skipped } : { output: Buffer.concat(output), violation, skipped };
}

const SPLITS = [[1], [2], [3], [7], [64], [1, 5, 2, 300], [100_000]];

describe('MQTT packet size filter (src/dxl/packet-filter.ts)', () => {
  it('passes packets within the limit unchanged, however the stream is split', () => {
    // The limit is on the remaining length: 2 + topic + payload for a QoS 0 PUBLISH.
    const input = Buffer.concat([publish('/a', 10), PINGREQ, subscribe('/b/#'), publish('/c', 90), publish('/limit', 100 - 2 - 6)]);
    for (const split of SPLITS) {
      const { output, violation } = run(100, input, split);
      assert.deepEqual(output, input, `split ${split.join(',')}`);
      assert.equal(violation, undefined);
    }
  });

  it('asks to close the connection for a packet over the limit, topic included, and passes nothing of it', () => {
    const before = Buffer.concat([publish('/before', 5), PINGREQ]);
    const longTopic = `/${'t'.repeat(50)}`;
    // 2 + 51 + 48 = 101: the payload alone is within the limit, the packet is not.
    const offenders = [
      publish(longTopic, 48),
      publish('/big', 101),
      publish('/big', 101, 1),
      subscribe(`/${'x'.repeat(120)}`),
      publish('/huge', 70_000),
    ];
    for (const offending of offenders) {
      for (const split of SPLITS) {
        const { output, violation } = run(100, Buffer.concat([before, offending, before]), split);
        assert.match(violation ?? '', /exceeds the limit of 100/, `split ${split.join(',')}`);
        // What went on is what came before, and not one byte of the offending packet (its header is held until judged).
        assert.deepEqual(output, before, `split ${split.join(',')}`);
      }
    }
  });

  it('names the type and size of the offending packet', () => {
    assert.equal(run(100, publish('/big', 200), [1000]).violation, 'an MQTT packet of type 3 and 206 bytes exceeds the limit of 100');
  });

  it('passes nothing more once it asked to close', () => {
    const filter = new PacketSizeFilter(10);
    assert.ok(filter.filter(publish('/big', 100)).violation);
    assert.deepEqual(filter.filter(PINGREQ).output, []);
  });

  it('hands bytes that are not MQTT to the parser unchanged', () => {
    const garbage = Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02, 0x03]);
    const { output, violation } = run(100, garbage, [3]);
    assert.deepEqual(output, garbage);
    assert.equal(violation, undefined);
  });

  it('skip: drops each packet over the limit whole, header and body, and passes the rest unchanged, however the stream is split', () => {
    const small = Buffer.concat([publish('/before', 5), PINGREQ]);
    const big = publish('/big', 70_000);
    const input = Buffer.concat([small, big, publish('/between', 90 - 2 - 8), big, publish('/big', 101, 1), small]);
    const expected = Buffer.concat([small, publish('/between', 90 - 2 - 8), small]);
    for (const split of SPLITS) {
      const { output, violation, skipped } = run(100, input, split, 'skip');
      assert.equal(violation, undefined);
      assert.deepEqual(output, expected, `split ${split.join(',')}`);
      assert.deepEqual(
        skipped,
        [
          { type: 3, remainingLength: 70_006 },
          { type: 3, remainingLength: 70_006 },
          { type: 3, remainingLength: 109 },
        ],
        `split ${split.join(',')}`,
      );
    }
  });

  it('skip: a whole chunk within the limit is passed as the same buffer, not copied', () => {
    const chunk = Buffer.concat([publish('/a', 10), PINGREQ]);
    const { output } = new PacketSizeFilter(100, 'skip').filter(chunk);
    assert.equal(output.length, 1);
    assert.equal(output[0], chunk);
  });

  it('hands bytes that are not MQTT to the parser unchanged in skip mode too', () => {
    const garbage = Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02, 0x03]);
    for (const split of SPLITS) assert.deepEqual(run(100, garbage, split, 'skip').output, garbage, `split ${split.join(',')}`);
  });
});
