/** Sample files and certificates of the TIE simulator's seed (the official clients' sample data). */
import { createHash, randomBytes } from 'node:crypto';

export const NOTEPAD = {
  md5: 'f2c7bb8acc97f92e987a2d4087d021b1',
  sha1: '7eb0139d2175739b3ccb0d1110067820be6abd29',
  sha256: '142e1d688ef0568370c37187fd9f2351d7ddeda574f8bfa9b0fa4ef42db85aa2',
};
export const EICAR = {
  md5: '44d88612fea8a8f36de82e1278abb02f',
  sha1: '3395856ce81f2b7382dee72602f798b642f14140',
  sha256: '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f',
};
/** GTI says Unknown (50): no provider is definitive. */
export const UNKNOWN_FILE = {
  md5: '586297d3bf63b478a2df61ef2579fd9e',
  sha1: 'a7c515a836f20e8589d1c68e06237904c3cec2ad',
  sha256: 'f0649a543e8fb682ec25a7dcc3b8fa7b86744e018ae4bc784be6c86cb46861ae',
};
export const CERT1 = { sha1: 'b5bb3823c60f4f3fda94decb5246edcfb126f0ad', publicKeySha1: 'af55bf11d98375cbee961bd71c08f47bc1aa1937' };
export const SAMPLE_CERT = { sha1: '6eae26db8c13182a7947982991b4321732cc3de2', publicKeySha1: '3b87a2d6f39770160364b79a152fcc73bae27adf' };
export const SEED_AGENT_GUIDS = [
  '{3a6f574a-3e6f-436d-acd4-bcde336b054d}',
  '{d48d3d1a-915e-11e6-323a-000c2992f5d9}',
  '{68125cd6-a5d8-11e6-348e-000c29663178}',
];

/** The hashes of a file nobody has seen: the simulator synthesizes its reputations. */
export function newFile(): { md5: string; sha1: string; sha256: string } {
  const content = randomBytes(48);
  return {
    md5: createHash('md5').update(content).digest('hex'),
    sha1: createHash('sha1').update(content).digest('hex'),
    sha256: createHash('sha256').update(content).digest('hex'),
  };
}

export function newCertificate(): { sha1: string; publicKeySha1: string } {
  return {
    sha1: createHash('sha1').update(randomBytes(32)).digest('hex'),
    publicKeySha1: createHash('sha1').update(randomBytes(32)).digest('hex'),
  };
}
