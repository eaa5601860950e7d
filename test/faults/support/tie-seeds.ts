/** Well-formed TIE payloads as a TIE server sends them (wire form: base64 hashes, reputation lists): fuzz seeds. */
import type { Json } from './mutations';

const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
const FILE_HASHES: Json = [
  { type: 'md5', value: b64('f2c7bb8acc97f92e987a2d4087d021b1') },
  { type: 'sha1', value: b64('7eb0139d2175739b3ccb0d1110067820be6abd29') },
  { type: 'sha256', value: b64('142e1d688ef0568370c37187fd9f2351d7ddeda574f8bfa9b0fa4ef42db85aa2') },
];
const CERT_HASHES: Json = [{ type: 'sha1', value: b64('6eae26db8c13182a7947982991b4321732cc3de2') }];
const PUBLIC_KEY = b64('3b87a2d6f39770160364b79a152fcc73bae27adf');

const FILE_REPUTATIONS: Json = [
  {
    providerId: 1,
    trustLevel: 99,
    createDate: 1451502875,
    attributes: { '2101908': '1451502875', '2102421': '17', '2120340': '2139160704' },
  },
  {
    providerId: 3,
    trustLevel: 0,
    createDate: 1451502875,
    attributes: {
      '2101652': '17',
      '2102165': '1451502875',
      '2111893': '21',
      '2113942': '1451502875',
      '2114965': '0',
      '2123156': '1',
      '2138264': 'AQBjAGMAYwAWJg==',
      '2138520': 'AQBjAGMAYwAWJg==',
      '2139285': '72339069014638857',
    },
  },
  {
    providerId: 5,
    trustLevel: 15,
    createDate: 1451502875,
    attributes: { '4194962': '3', '4195218': '-1', '4195474': '5', '4195730': '4', '4197784': 'e30=' },
  },
  { providerId: 15, trustLevel: 85, createDate: 1451502875, attributes: {} },
];
const CERT_REPUTATIONS: Json = [
  { providerId: 2, trustLevel: 99, createDate: 1451502875, attributes: { '2109077': '1451502875', '2108821': '3', '2117524': '0' } },
  {
    providerId: 4,
    trustLevel: 30,
    createDate: 1451502875,
    attributes: { '2109589': '1451502875', '2109333': '2', '2122901': '1', '2125972': '0', '2139285': '72339069014638857' },
    overridden: { files: [{ hashes: FILE_HASHES }], truncated: 0 },
  },
];

export const EVENT_SEEDS: readonly Json[] = [
  {
    hashes: FILE_HASHES,
    newReputations: { reputations: FILE_REPUTATIONS, props: { serverTime: 1451505556 } },
    oldReputations: { reputations: [FILE_REPUTATIONS[0]], props: { serverTime: 1451505556 } },
    updateTime: 1451505556,
    relationships: { certificate: { hashes: CERT_HASHES, publicKeySha1: PUBLIC_KEY } },
  },
  {
    hashes: CERT_HASHES,
    publicKeySha1: PUBLIC_KEY,
    newReputations: { reputations: CERT_REPUTATIONS, props: { serverTime: 1451505556 } },
    oldReputations: { reputations: [], props: { serverTime: 1451505556 } },
    updateTime: 1451505556,
  },
  {
    agentGuid: '{68125cd6-a5d8-11e6-348e-000c29663178}',
    detectionTime: 1451505556,
    hashes: FILE_HASHES,
    localReputation: 1,
    name: 'TEST_MALWARE.EXE',
    remediationAction: 5,
  },
  { agentGuid: '{68125cd6-a5d8-11e6-348e-000c29663178}', hashes: FILE_HASHES, name: 'MORPH.EXE' },
];

export const RESPONSE_SEEDS: readonly Json[] = [
  { props: { serverTime: 1451505556, submitMetaData: 1 }, reputations: FILE_REPUTATIONS },
  { props: { serverTime: 1451505556 }, reputations: CERT_REPUTATIONS },
  {
    agents: [
      { agentGuid: '{3a6f574a-3e6f-436d-acd4-bcde336b054d}', date: 1475873692 },
      { agentGuid: '{d48d3d1a-915e-11e6-323a-000c2992f5d9}', date: 1476902802 },
    ],
    totalCount: 2,
  },
  {},
];
