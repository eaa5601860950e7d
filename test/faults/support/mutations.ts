/**
 * Mutations for the fuzz tests: of bytes (DXL envelopes, JSON text) and of JSON values (TIE
 * payloads), each drawn from a seeded PRNG so that a failing case can be replayed from its seed.
 */
import type { Prng } from './prng';

/** Bytes msgpack gives meaning to: type tags and length prefixes that ask for more than there is. */
const INTERESTING_BYTES = [
  0x00, 0x01, 0x02, 0x03, 0x04, 0x7f, 0x80, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc4, 0xc6, 0xca, 0xcb, 0xcc, 0xcf, 0xd3, 0xd9, 0xda, 0xdb,
  0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xff,
];

type ByteMutation = (bytes: Buffer, prng: Prng, donors: readonly Buffer[]) => Buffer;

const byteMutations: readonly ByteMutation[] = [
  // flip bits
  (bytes, prng) => {
    const out = Buffer.from(bytes);
    if (out.length === 0) return out;
    for (let i = prng.int(8) + 1; i > 0; i--) out[prng.int(out.length)] ^= 1 << prng.int(8);
    return out;
  },
  // put an interesting byte somewhere
  (bytes, prng) => {
    const out = Buffer.from(bytes);
    if (out.length > 0) out[prng.int(out.length)] = prng.pick(INTERESTING_BYTES);
    return out;
  },
  // insert random bytes
  (bytes, prng) => {
    const at = prng.int(bytes.length + 1);
    return Buffer.concat([bytes.subarray(0, at), prng.bytes(prng.int(16) + 1), bytes.subarray(at)]);
  },
  // delete a range
  (bytes, prng) => {
    const at = prng.int(bytes.length + 1);
    return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + prng.int(16) + 1)]);
  },
  // truncate
  (bytes, prng) => bytes.subarray(0, prng.int(bytes.length + 1)),
  // a length prefix that claims far more than there is
  (bytes, prng) => {
    const at = prng.int(bytes.length + 1);
    const header = prng.pick([
      [0xdb, 0xff, 0xff, 0xff, 0xff],
      [0xdd, 0x7f, 0xff, 0xff, 0xff],
      [0xdc, 0xff, 0xff],
      [0xc6, 0x80, 0x00, 0x00, 0x00],
      [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
      [0xd3, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
    ]);
    return Buffer.concat([bytes.subarray(0, at), Buffer.from(header), bytes.subarray(at)]);
  },
  // the head of one message and the tail of another
  (bytes, prng, donors) => {
    const donor = prng.pick(donors);
    return Buffer.concat([bytes.subarray(0, prng.int(bytes.length + 1)), donor.subarray(prng.int(donor.length + 1))]);
  },
  // repeat a slice
  (bytes, prng) => {
    const start = prng.int(bytes.length + 1);
    const slice = bytes.subarray(start, start + prng.int(32) + 1);
    const at = prng.int(bytes.length + 1);
    return Buffer.concat([bytes.subarray(0, at), slice, slice, bytes.subarray(at)]);
  },
];

/** One to three byte mutations of `seed`. */
export function mutateBytes(seed: Buffer, prng: Prng, donors: readonly Buffer[]): Buffer {
  let out = seed;
  for (let i = prng.int(3) + 1; i > 0; i--) out = prng.pick(byteMutations)(out, prng, donors);
  return out;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const AWKWARD_STRINGS = [
  '',
  '=',
  '====',
  'not base64!',
  'AAAA',
  '99999999999999999999',
  '-1',
  '1e400',
  '8640000000001',
  '18446744073709551616',
  '__proto__',
  'constructor',
  '\u0000',
  '\ud800',
  'x'.repeat(300),
];
const AWKWARD_NUMBERS = [0, -1, 1, 50, 99, 100, 101, 2 ** 31, 2 ** 53, -(2 ** 53), 1e21, 1e300, -1e300, 0.5, 8.64e12, 8.64e15 + 1];
const AWKWARD_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'hashes',
  'reputations',
  'providerId',
  'trustLevel',
  'attributes',
  'value',
  'type',
  '',
];

export function randomJson(prng: Prng, depth = 0): Json {
  const kind = prng.int(depth > 2 ? 4 : 6);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return prng.chance(0.5);
    case 2:
      return prng.chance(0.7) ? prng.pick(AWKWARD_NUMBERS) : Math.floor((prng.next() - 0.5) * 2 ** prng.int(64));
    case 3:
      return prng.chance(0.7) ? prng.pick(AWKWARD_STRINGS) : prng.bytes(prng.int(12)).toString('base64');
    case 4:
      return Array.from({ length: prng.int(4) }, () => randomJson(prng, depth + 1));
    default: {
      const object: { [key: string]: Json } = {};
      for (let i = prng.int(4); i > 0; i--) object[prng.pick(AWKWARD_KEYS)] = randomJson(prng, depth + 1);
      return object;
    }
  }
}

/** Every container of a JSON value, with its keys, for picking a spot to mutate. */
function containers(value: Json, out: Array<Json[] | { [key: string]: Json }> = []): Array<Json[] | { [key: string]: Json }> {
  if (value !== null && typeof value === 'object') {
    out.push(value);
    for (const child of Array.isArray(value) ? value : Object.values(value)) containers(child, out);
  }
  return out;
}

/** A deep copy of `seed` with one to four structural changes: values replaced, keys deleted or added. */
export function mutateJson(seed: Json, prng: Prng): Json {
  const root = structuredClone(seed);
  for (let i = prng.int(4) + 1; i > 0; i--) {
    const spots = containers(root);
    if (spots.length === 0) return randomJson(prng);
    const spot = prng.pick(spots);
    const keys = Array.isArray(spot) ? spot.map((_, index) => String(index)) : Object.keys(spot);
    const action = prng.int(4);
    if (keys.length === 0 || action === 0) {
      const key = Array.isArray(spot) ? String(spot.length) : prng.pick(AWKWARD_KEYS);
      if (Array.isArray(spot)) spot.push(randomJson(prng));
      else Object.defineProperty(spot, key, { value: randomJson(prng), enumerable: true, writable: true, configurable: true });
    } else {
      const key = prng.pick(keys);
      if (action === 1) {
        if (Array.isArray(spot)) spot.splice(Number(key), 1);
        else delete spot[key];
      } else if (Array.isArray(spot)) {
        spot[Number(key)] = randomJson(prng);
      } else {
        spot[key] = randomJson(prng);
      }
    }
  }
  return root;
}
