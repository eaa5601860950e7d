/**
 * TIE events as event nodes send them: `msg.topic` is the DXL topic, `msg.payload` the dict the
 * official clients' callbacks receive, and decoded extras beside it. The events come decoded from
 * the TIE client (once per event, however many nodes listen); this adds the msg and the filters.
 */
import type { Unsubscribe } from '../../src/dxl/api';
import type { DxlMessage } from '../../src/dxl/message';
import { epochToIsoStringIfValid } from '../../src/tie/attributes';
import { computeVerdict, trustLevelCategory, type Verdict } from '../../src/tie/verdict';
import type { EventErrorHandler } from '../../src/tie/client';
import { trustLevelName } from '../../src/tie/constants';
import { TieTopic } from '../../src/tie/topics';
import type { DetectionEvent, FirstInstanceEvent, ReputationChangeEvent } from '../../src/tie/types';
import { type PayloadFormat, checkTopic, decodePayload, dxlFields } from './dxl-messages';
import type { ReputationChangeFilter } from './common-properties';
import type { Subject } from './items';
import type { ConnectionClients } from './connection';

export type EventKind = 'file-reputation-change' | 'certificate-reputation-change' | 'detection' | 'first-instance';

export const EVENT_TOPICS: Readonly<Record<EventKind, string>> = {
  'file-reputation-change': TieTopic.FILE_REPUTATION_CHANGE_EVENT,
  'certificate-reputation-change': TieTopic.CERT_REPUTATION_CHANGE_EVENT,
  detection: TieTopic.FILE_DETECTION_EVENT,
  'first-instance': TieTopic.FILE_FIRST_INSTANCE_EVENT,
};

/** The properties an event node sets on the msg it sends. */
export interface EventMessage {
  topic: string;
  payload: unknown;
  [extra: string]: unknown;
}

/** Where an event node's msgs come from: one TIE event subscription, its msgs and filter. */
export interface EventSource {
  /** The DXL topic, for reports. */
  readonly topic: string;
  /**
   * Subscribes through a client: `send` gets the msg of each event that passes the filter (false: the
   * node has stopped and the msg went nowhere), `fail` each malformed event.
   */
  subscribe(clients: ConnectionClients, send: (msg: EventMessage) => boolean, fail: EventErrorHandler): Promise<Unsubscribe>;
}

/** Reputation changes need both verdicts for the filters. */
export interface ReputationChangeDecoded {
  subject: Subject;
  event: ReputationChangeEvent;
  verdict: Verdict;
  previousVerdict: Verdict;
}

/** Works out the effective trust level of a reputation-change event before and after. */
export function decodeReputationChange(event: ReputationChangeEvent, subject: Subject): ReputationChangeDecoded {
  return {
    subject,
    event,
    verdict: computeVerdict(event.newReputations ?? {}, subject),
    previousVerdict: computeVerdict(event.oldReputations ?? {}, subject),
  };
}

export function reputationChangeMessage(decoded: ReputationChangeDecoded, message: DxlMessage): EventMessage {
  return {
    topic: message.destinationTopic,
    payload: decoded.event,
    subject: decoded.subject,
    verdict: decoded.verdict,
    previousVerdict: decoded.previousVerdict,
    dxl: dxlFields(message),
  };
}

export function detectionMessage(event: DetectionEvent, message: DxlMessage): EventMessage {
  const out: EventMessage = { topic: message.destinationTopic, payload: event, dxl: dxlFields(message) };
  if (typeof event.localReputation === 'number') {
    out.localReputation = {
      trustLevel: event.localReputation,
      trustLevelName: trustLevelName(event.localReputation),
      category: trustLevelCategory(event.localReputation),
    };
  }
  const detectionDate = epochToIsoStringIfValid(event.detectionTime);
  if (detectionDate !== undefined) out.detectionDate = detectionDate;
  return out;
}

export function firstInstanceMessage(event: FirstInstanceEvent, message: DxlMessage): EventMessage {
  return { topic: message.destinationTopic, payload: event, dxl: dxlFields(message) };
}

/** File or certificate reputation changes that pass `filter`. */
export function reputationChangeSource(subject: Subject, filter: ReputationChangeFilter): EventSource {
  const topic = EVENT_TOPICS[subject === 'file' ? 'file-reputation-change' : 'certificate-reputation-change'];
  return {
    topic,
    subscribe: ({ tie }, send, fail) => {
      const onChange = (event: ReputationChangeEvent, message: DxlMessage): void => {
        const decoded = decodeReputationChange(event, subject);
        if (passesReputationChangeFilter(filter, decoded)) send(reputationChangeMessage(decoded, message));
      };
      return subject === 'file' ? tie.onFileReputationChange(onChange, fail) : tie.onCertificateReputationChange(onChange, fail);
    },
  };
}

export const detectionSource: EventSource = {
  topic: EVENT_TOPICS.detection,
  subscribe: ({ tie }, send, fail) => tie.onFileDetection((event, message) => send(detectionMessage(event, message)), fail),
};

export const firstInstanceSource: EventSource = {
  topic: EVENT_TOPICS['first-instance'],
  subscribe: ({ tie }, send, fail) => tie.onFileFirstInstance((event, message) => send(firstInstanceMessage(event, message)), fail),
};

// ---- reputation-change filters ----

export type { ReputationChangeFilter };

export function passesReputationChangeFilter(filter: ReputationChangeFilter, decoded: ReputationChangeDecoded): boolean {
  const now = decoded.verdict;
  const before = decoded.previousVerdict;
  switch (filter) {
    case 'all':
      return true;
    case 'effective-changed':
      return now.trustLevel !== before.trustLevel;
    case 'now-malicious':
      return now.category === 'malicious' && before.category !== 'malicious';
    case 'now-trusted':
      return now.category === 'trusted' && before.category !== 'trusted';
  }
}

/**
 * Any DXL event on `topic` (a trailing `#` takes every topic below): `msg.topic` the event's own
 * topic, the payload as chosen. A topic DXL cannot subscribe to fails the subscription (DXL_NO_TOPIC, DXL_INVALID_TOPIC).
 */
export function dxlEventSource(setting: string, format: PayloadFormat): EventSource {
  const topic = setting.trim();
  return {
    topic,
    subscribe: async ({ dxl }, send, fail) =>
      dxl.subscribe(checkTopic(topic, 'subscribe', 'The event topic'), (message) => {
        let payload: unknown;
        try {
          payload = decodePayload(message.payload, format, message.destinationTopic);
        } catch (error) {
          fail(error as Error, message);
          return;
        }
        send({ topic: message.destinationTopic, payload, dxl: dxlFields(message) });
      }),
  };
}
