/**
 * TIE events as event nodes send them: `msg.topic` is the DXL topic, `msg.payload` the dict the
 * official clients' callbacks receive, and decoded extras beside it. Decoding uses the TIE
 * layer's transforms, per node, so that a malformed event is reported by each node that got it.
 */
import { parseJsonPayload, type DxlMessage } from '../dxl/message';
import { epochToIsoStringIfValid } from '../tie/attributes';
import { trustLevelName } from '../tie/constants';
import { invalidResponse } from '../tie/errors';
import { TieTopic } from '../tie/topics';
import { transformDetectionEvent, transformFirstInstanceEvent, transformReputationChangeEvent } from '../tie/transforms';
import type { DetectionEvent, ReputationChangeEvent } from '../tie/types';
import { computeVerdict, trustLevelCategory, type Verdict } from '../tie/verdict';
import type { Subject } from './items';

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

/** Reputation changes need both verdicts for the filters. */
export interface ReputationChangeDecoded {
  subject: Subject;
  event: ReputationChangeEvent;
  verdict: Verdict;
  previousVerdict: Verdict;
}

function decodePayload(message: DxlMessage): unknown {
  try {
    return parseJsonPayload(message.payload);
  } catch (error) {
    throw invalidResponse(`event on ${message.destinationTopic} is not JSON: ${(error as Error).message}`, error);
  }
}

function dxlMetadata(message: DxlMessage): Record<string, string> {
  return { messageId: message.messageId, sourceClientId: message.sourceClientId, sourceBrokerId: message.sourceBrokerId };
}

/** Decodes a reputation-change event and works out the effective trust level before and after. */
export function decodeReputationChange(message: DxlMessage, subject: Subject): ReputationChangeDecoded {
  const event = transformReputationChangeEvent(decodePayload(message));
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
    dxl: dxlMetadata(message),
  };
}

export function detectionMessage(message: DxlMessage): EventMessage {
  const event: DetectionEvent = transformDetectionEvent(decodePayload(message));
  const out: EventMessage = { topic: message.destinationTopic, payload: event, dxl: dxlMetadata(message) };
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

export function firstInstanceMessage(message: DxlMessage): EventMessage {
  return { topic: message.destinationTopic, payload: transformFirstInstanceEvent(decodePayload(message)), dxl: dxlMetadata(message) };
}

// ---- reputation-change filters ----

export type ReputationChangeFilter =
  /** Every event. */
  | 'all'
  /** Only when the effective trust level (the verdict) differs before and after. */
  | 'effective-changed'
  /** Only when the verdict became malicious (1-30) from something that was not. */
  | 'now-malicious'
  /** Only when the verdict became trusted (70-100) from something that was not. */
  | 'now-trusted';

export const REPUTATION_CHANGE_FILTERS: readonly ReputationChangeFilter[] = ['all', 'effective-changed', 'now-malicious', 'now-trusted'];

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

export function isReputationChangeFilter(value: unknown): value is ReputationChangeFilter {
  return typeof value === 'string' && (REPUTATION_CHANGE_FILTERS as readonly string[]).includes(value);
}
