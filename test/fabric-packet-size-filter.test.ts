import assert from 'node:assert/strict';
import { PacketSizeFilter } from '../src/fabric/packet-size-filter';

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
function run(limit: number, input: Buffer, chunkSizes: number[]): { output: Buffer; dropped: number[]; violation?: string } {
  const filter = new PacketSizeFilter(limit);
  const output: Buffer[] = [];
  const dropped: number[] = [];
  let violation: string | undefined;
  for (let offset = 0, i = 0; offset < input.length; i++) {
    const size = chunkSizes[i % chunkSizes.length]!;
    const result = filter.filter(input.subarray(offset, offset + size));
    offset += size;
    output.push(...result.output);
    dropped.push(...result.dropped);
    violation ??= result.violation;
  }
  return violation === undefined ? { output: Buffer.concat(output), dropped } : { output: Buffer.concat(output), dropped, violation };
}

const SPLITS = [[1], [2], [3], [7], [64], [1, 5, 2, 300], [100_000]];

describe('fabric packet size filter', () => {
  it('passes packets within the limit unchanged, however the stream is split', () => {
    const input = Buffer.concat([publish('/a', 10), PINGREQ, subscribe('/b/#'), publish('/c', 90), publish('/limit', 100)]);
    for (const split of SPLITS) {
      const { output, dropped, violation } = run(100, input, split);
      assert.deepEqual(output, input, `split ${split}`);
      assert.deepEqual(dropped, []);
      assert.equal(violation, undefined);
    }
  });

  it('drops a QoS 0 message over the limit and keeps the packets around it', () => {
    const before = publish('/before', 5);
    const after = Buffer.concat([publish('/after', 5), PINGREQ]);
    const input = Buffer.concat([before, publish('/big', 101), after, publish('/huge', 70_000), before]);
    for (const split of SPLITS) {
      const { output, dropped, violation } = run(100, input, split);
      assert.deepEqual(output, Buffer.concat([before, after, before]), `split ${split}`);
      assert.deepEqual(dropped, [101, 70_000]);
      assert.equal(violation, undefined);
    }
  });

  it('judges a PUBLISH by its payload, not its packet length', () => {
    const longTopic = `/${'t'.repeat(50)}`;
    const input = publish(longTopic, 100);
    const { output, dropped } = run(100, input, [3]);
    assert.deepEqual(output, input);
    assert.deepEqual(dropped, []);
  });

  it('asks to close the connection for an oversized QoS 1 message or control packet', () => {
    const before = publish('/before', 5);
    for (const offending of [publish('/big', 101, 1), subscribe(`/${'x'.repeat(120)}`)]) {
      for (const split of SPLITS) {
        const { output, violation } = run(100, Buffer.concat([before, offending, before]), split);
        assert.deepEqual(output, before, `split ${split}`);
        assert.match(violation ?? '', /exceeds the limit of 100/);
      }
    }
  });

  it('hands bytes that are not MQTT to the parser unchanged', () => {
    const garbage = Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02, 0x03]);
    const { output, violation } = run(100, garbage, [3]);
    assert.deepEqual(output, garbage);
    assert.equal(violation, undefined);
  });
});
