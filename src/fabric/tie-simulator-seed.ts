/**
 * The TIE simulator's initial store: the files, certificates, reputations and first references of
 * the official clients' mock servers, docs and samples, hashes in lowercase hex. Entries marked "constructed" are plausible values made up for demos.
 */

export interface SeedReputation {
  providerId: number;
  trustLevel: number;
  createDate: number;
  attributes: Record<string, string>;
}

export interface SeedAgent {
  agentGuid: string;
  date: number;
}

export interface SeedItem {
  kind: 'file' | 'certificate';
  /** File name, or a label for a certificate. */
  name: string;
  /** Files: md5/sha1/sha256; certificates: sha1. */
  hashes: { md5?: string; sha1?: string; sha256?: string };
  /** Certificates only. */
  publicKeySha1?: string;
  reputations: SeedReputation[];
  agents: SeedAgent[];
  /** Files only: the certificate that signed it. */
  relationships?: { certificate: { hashes: { md5?: string; sha1?: string; sha256?: string }; publicKeySha1?: string } };
}

export const SEED_AGENTS = {
  A: '{3a6f574a-3e6f-436d-acd4-bcde336b054d}',
  B: '{d48d3d1a-915e-11e6-323a-000c2992f5d9}',
  C: '{68125cd6-a5d8-11e6-348e-000c29663178}',
} as const;

const THREE_AGENTS: SeedAgent[] = [
  { agentGuid: SEED_AGENTS.A, date: 1475873692 },
  { agentGuid: SEED_AGENTS.B, date: 1476316674 },
  { agentGuid: SEED_AGENTS.C, date: 1478626172 },
];

/** TIE 1.1.0.265, as in the mock servers' data. */
const SERVER_VERSION_1_1 = '72339069014638857';
/** TIE 1.4.0.190, as in the live TIE outputs of the docs. */
export const SERVER_VERSION_1_4 = '73183493944770750';

const MORPH_HASHES = {
  md5: '31dbe8cc443d2ca7fd236ac00a52fb17',
  sha1: '2d6ca45061b7972312e00e5933fdff95bb90b61b',
  sha256: 'aa3c461d4c21a392e372d0d6ca4ceb1e4d88098d587659454eaf4d93c661880f',
};

export const SEED_ITEMS: readonly SeedItem[] = [
  {
    kind: 'file',
    name: 'notepad.exe',
    hashes: {
      md5: 'f2c7bb8acc97f92e987a2d4087d021b1',
      sha1: '7eb0139d2175739b3ccb0d1110067820be6abd29',
      sha256: '142e1d688ef0568370c37187fd9f2351d7ddeda574f8bfa9b0fa4ef42db85aa2',
    },
    reputations: [
      { providerId: 1, trustLevel: 99, createDate: 1451502875, attributes: { '2120340': '2139160704' } },
      {
        providerId: 3,
        trustLevel: 0,
        createDate: 1451502875,
        attributes: {
          '2101652': '17',
          '2102165': '1451502875',
          '2111893': '21',
          '2114965': '0',
          '2139285': SERVER_VERSION_1_1,
        },
      },
    ],
    agents: THREE_AGENTS,
    // As in the fake McAfee services: a signing certificate relationship, reported in its events.
    relationships: {
      certificate: { hashes: MORPH_HASHES, publicKeySha1: '435dfd470f727437c7cb4f07cba1f9a1f4272656' },
    },
  },
  {
    kind: 'file',
    name: 'EICAR',
    hashes: {
      md5: '44d88612fea8a8f36de82e1278abb02f',
      sha1: '3395856ce81f2b7382dee72602f798b642f14140',
      sha256: '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f',
    },
    reputations: [
      { providerId: 1, trustLevel: 1, createDate: 1451504331, attributes: { '2120340': '2139162632' } },
      {
        providerId: 3,
        trustLevel: 0,
        createDate: 1451504331,
        attributes: {
          '2101652': '11',
          '2102165': '1451504331',
          '2111893': '22',
          '2114965': '0',
          '2139285': SERVER_VERSION_1_1,
        },
      },
    ],
    agents: [],
  },
  {
    // The Python mock's file with no definitive reputation (GTI UNKNOWN).
    kind: 'file',
    name: 'UNKNOWN_FILE',
    hashes: {
      md5: '586297d3bf63b478a2df61ef2579fd9e',
      sha1: 'a7c515a836f20e8589d1c68e06237904c3cec2ad',
      sha256: 'f0649a543e8fb682ec25a7dcc3b8fa7b86744e018ae4bc784be6c86cb46861ae',
    },
    reputations: [
      { providerId: 1, trustLevel: 50, createDate: 1451504331, attributes: { '2120340': '2139162632' } },
      {
        providerId: 3,
        trustLevel: 0,
        createDate: 1451504331,
        attributes: {
          '2101652': '11',
          '2102165': '1451504331',
          '2111893': '22',
          '2114965': '0',
          '2139285': SERVER_VERSION_1_1,
        },
      },
    ],
    agents: [],
  },
  {
    // The file of the reputation-change wiki page (seed 000), after its Enterprise override to 99.
    kind: 'file',
    name: 'notepad-variant.exe',
    hashes: { md5: 'f2c7bb8acc97f92e987a2d4087d01221', sha1: '7eb0139d2175739b3ccb0d1110067820be6abd2b' },
    reputations: [
      { providerId: 1, trustLevel: 0, createDate: 1480551590, attributes: { '2120340': '0' } },
      {
        providerId: 3,
        trustLevel: 99,
        createDate: 1480551374,
        attributes: {
          '2101652': '0',
          '2102165': '1480551374',
          '2111893': '244',
          '2114965': '1',
          '2139285': SERVER_VERSION_1_4,
        },
      },
    ],
    agents: [],
  },
  {
    // The file of the first-instance examples; reputations constructed (an unknown file).
    kind: 'file',
    name: 'MORPH.EXE',
    hashes: MORPH_HASHES,
    reputations: [
      { providerId: 1, trustLevel: 50, createDate: 1481301038, attributes: { '2120340': '0' } },
      {
        providerId: 3,
        trustLevel: 0,
        createDate: 1481301038,
        attributes: {
          '2101652': '1',
          '2102165': '1481301038',
          '2111893': '244',
          '2114965': '1',
          '2139285': SERVER_VERSION_1_4,
        },
      },
    ],
    agents: [{ agentGuid: SEED_AGENTS.C, date: 1481301038 }],
  },
  {
    // The file of the detection examples; reputations constructed (GTI known malicious).
    kind: 'file',
    name: 'FOCUS_MALWARE2.EXE',
    hashes: {
      md5: 'eb5e2b9dc51817a086d7b97eb52410ab',
      sha1: '435dfd470f727437c7cb4f07cba1f9a1f4272656',
      sha256: '414bb16b10ece2db2d8448cb9f313f80cb77c310ca0c19ee03c73cba0c16fedb',
    },
    reputations: [
      { providerId: 1, trustLevel: 1, createDate: 1481301038, attributes: { '2120340': '2139162632' } },
      {
        providerId: 3,
        trustLevel: 0,
        createDate: 1481301038,
        attributes: {
          '2101652': '1',
          '2102165': '1481301038',
          '2111893': '244',
          '2114965': '1',
          '2139285': SERVER_VERSION_1_4,
        },
      },
    ],
    agents: [{ agentGuid: SEED_AGENTS.C, date: 1481301038 }],
  },
  {
    // The Python mock's certificate: sha1 of the text "cert1", public key sha1 of "cert1publickey".
    kind: 'certificate',
    name: 'cert1',
    hashes: { sha1: 'b5bb3823c60f4f3fda94decb5246edcfb126f0ad' },
    publicKeySha1: 'af55bf11d98375cbee961bd71c08f47bc1aa1937',
    reputations: [
      {
        providerId: 2,
        trustLevel: 99,
        createDate: 1476318514,
        attributes: { '2108821': '94', '2109077': '1454912619', '2117524': '0', '2120596': '0' },
      },
      {
        providerId: 4,
        trustLevel: 0,
        createDate: 1476318514,
        attributes: { '2109333': '12', '2109589': '1476318514', '2139285': SERVER_VERSION_1_4 },
      },
    ],
    agents: THREE_AGENTS,
  },
  {
    // The certificate of the official samples and docs.
    kind: 'certificate',
    name: 'sample certificate',
    hashes: { sha1: '6eae26db8c13182a7947982991b4321732cc3de2' },
    publicKeySha1: '3b87a2d6f39770160364b79a152fcc73bae27adf',
    reputations: [
      {
        providerId: 2,
        trustLevel: 99,
        createDate: 1476318514,
        attributes: { '2108821': '94', '2109077': '1454912619', '2117524': '0', '2120596': '0' },
      },
      {
        providerId: 4,
        trustLevel: 0,
        createDate: 1476318514,
        attributes: { '2109333': '12', '2109589': '1476318514', '2139285': SERVER_VERSION_1_4 },
      },
    ],
    agents: [
      { agentGuid: SEED_AGENTS.A, date: 1475873692 },
      { agentGuid: SEED_AGENTS.C, date: 1478626172 },
    ],
  },
];
