/** What every contender asks and the responder answers: one realistic TIE file-reputation exchange. */

export const REPUTATION_TOPIC = '/mcafee/service/tie/file/reputation';

/** notepad.exe, as in the TIE sample data. */
export const FILE_HASHES = {
  md5: 'f2c7bb8acc97f92e987a2d4087d021b1',
  sha1: '7eb0139d2175739b3ccb0d1110067820be6abd29',
  sha256: '142e1d688ef0568370c37187fd9f2351d7ddeda574f8bfa9b0fa4ef42db85aa2',
};

/** A TIE file-reputation response: GTI and Enterprise reputations with their attributes. */
export const REPUTATION_RESPONSE = JSON.stringify({
  props: { serverTime: 1451505556, submitMetaData: 1 },
  reputations: [
    { attributes: { '2120340': '2139160704' }, createDate: 1451502875, providerId: 1, trustLevel: 99 },
    {
      attributes: { '2101652': '17', '2102165': '1451502875', '2111893': '21', '2114965': '0', '2139285': '72339069014638857' },
      createDate: 1451502875,
      providerId: 3,
      trustLevel: 0,
    },
  ],
});

export const REPUTATION_CHANGE_TOPIC = '/mcafee/event/tie/file/repchange/broadcast';

/** A file reputation-change event as TIE broadcasts it (the official clients' unit-test sample). */
export const REPUTATION_CHANGE_EVENT = JSON.stringify({
  oldReputations: {
    reputations: [
      { attributes: { '2098277': '256' }, createDate: 1409783001, providerId: 3, trustLevel: 0 },
      { attributes: { '2120340': '2139160704' }, createDate: 1409783001, providerId: 1, trustLevel: 99 },
    ],
    props: { serverTime: 1409851328 },
  },
  newReputations: {
    reputations: [
      { attributes: { '2098277': '256' }, createDate: 1409783001, providerId: 3, trustLevel: 85 },
      { attributes: { '2120340': '2139160704' }, createDate: 1409783001, providerId: 1, trustLevel: 99 },
    ],
    props: { serverTime: 1409851328 },
  },
  hashes: [
    { type: 'md5', value: 'bQvLG6j1WmwRB8LZ2gPa1w==' },
    { type: 'sha1', value: 'OxbrjQd0H6+3meBW5YuBoInTcqM=' },
    { type: 'sha256', value: 'yXfKH1ESH+5YzaiIJ6YXOtTx1y2AJihOTE9EMCqWfkA=' },
  ],
  updateTime: 1409851328,
});

export type ContenderKind = 'floor' | 'bare' | 'ours' | 'official';

export interface BrokerTarget {
  name: string;
  host: string;
  port: number;
  ca: string;
  cert: string;
  key: string;
}

export interface ContenderJob {
  kind: ContenderKind;
  broker: BrokerTarget;
  inFlight: number;
  requests: number;
  warmup: number;
}

export interface ContenderResult {
  kind: ContenderKind;
  broker: string;
  inFlight: number;
  requests: number;
  cpuMicrosPerRequest: number;
  /** The kernel's share of cpuMicrosPerRequest (system time): socket I/O, mostly. */
  systemMicrosPerRequest: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
  /** RSS after the run minus RSS after warm-up. */
  rssGrowthMb: number;
}

/**
 * What a Node-RED end-to-end cell measures: `floor` is Node-RED's own cost, the same driver with a
 * function node answering in the lookup's place; `lookup-in-function` the library called from a
 * function node (what the lookup would cost with no node layer of ours at all).
 */
export type FlowMode = 'floor' | 'floor-waking' | 'lookup' | 'lookup-in-function' | 'lookup-cached' | 'events';

export interface FlowJob {
  mode: FlowMode;
  broker: BrokerTarget;
  inFlight: number;
  messages: number;
  warmup: number;
  /** Where to write a CPU profile of the measured messages (warm-up and start-up left out). */
  profileFile?: string;
}

export interface FlowResult {
  mode: FlowMode;
  /** The broker's name; '' for the floor, which talks to none. */
  broker: string;
  inFlight: number;
  messages: number;
  cpuMicrosPerMessage: number;
  /** The kernel's share of cpuMicrosPerMessage (system time): socket I/O, mostly. */
  systemMicrosPerMessage: number;
  messagesPerSecond: number;
}

/** The round of the Node-RED section a figure was measured in: "above the library" compares figures of one round. */
export interface InRound {
  round: number;
}

/** The library's event delivery: TieClient's reputation-change handler in a process of its own. */
export interface EventJob {
  broker: BrokerTarget;
  /** Events published to be measured, and before them for the warm-up (see `warmupFor` in run.ts). */
  events: number;
  warmup: number;
}

export interface EventResult {
  broker: string;
  events: number;
  cpuMicrosPerEvent: number;
  /** The kernel's share of cpuMicrosPerEvent. */
  systemMicrosPerEvent: number;
  eventsPerSecond: number;
}
