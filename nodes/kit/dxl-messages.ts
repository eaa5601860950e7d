/**
 * What the DXL nodes read from a msg and put on one: the topic (the node's own, or msg.topic), a
 * payload going on the wire, a payload coming off it in the form the user chose, and the DXL
 * fields beside it. Careless input is refused here with a stable code, before anything is sent.
 */
import { topicTooLong } from '../../src/dxl/packet-limits';
import { TOPIC_PROBLEMS, type TopicUse, topicProblem } from '../../src/dxl/topic-rule';
import { type DxlMessage, type DxlPayload, parseJsonPayload, payloadToBuffer } from '../../src/dxl/message';
import { DxlErrorCode } from '../../src/dxl/errors';
import { NodeErrorCode, TieNodeError } from './errors';
import type { PayloadFormat } from './common-properties';

/** How a payload arriving from DXL is put in msg.payload. */
export type { PayloadFormat };

/**
 * The topic a node works on: its own setting when it has one, else msg.topic. Refused with
 * DXL_NO_TOPIC when there is neither, DXL_INVALID_TOPIC when it cannot be used.
 */
export function chooseTopic(nodeTopic: unknown, msgTopic: unknown, use: TopicUse): string {
  const own = typeof nodeTopic === 'string' ? nodeTopic.trim() : '';
  if (own !== '') return checkTopic(own, use, 'the node');
  if (msgTopic === undefined || msgTopic === null || msgTopic === '') {
    throw new TieNodeError(NodeErrorCode.NoTopic, 'No DXL topic: set one in the node, or send it in msg.topic');
  }
  if (typeof msgTopic !== 'string') {
    throw new TieNodeError(
      NodeErrorCode.InvalidTopic,
      `msg.topic must be text, got ${Array.isArray(msgTopic) ? 'an array' : typeof msgTopic}`,
    );
  }
  return checkTopic(msgTopic, use, 'msg.topic');
}

/** A topic as DXL takes it, or DXL_NO_TOPIC (empty) / DXL_INVALID_TOPIC naming what is wrong. */
export function checkTopic(topic: string, use: TopicUse, from = 'the topic'): string {
  const problem = topicProblem(topic, use);
  if (problem === 'empty') throw new TieNodeError(NodeErrorCode.NoTopic, `${from} is empty: ${TOPIC_PROBLEMS.empty}`);
  if (problem !== undefined)
    throw new TieNodeError(NodeErrorCode.InvalidTopic, `${from} "${topic}": ${TOPIC_PROBLEMS[problem]}`, { topic });
  const tooLong = topicTooLong(topic);
  if (tooLong) throw new TieNodeError(NodeErrorCode.InvalidTopic, `${from}: ${tooLong.message}`);
  return topic;
}

/**
 * A msg value as DXL payload bytes, as the DXL client makes them (text as UTF-8, a Buffer as it is,
 * nothing as an empty payload, anything else as JSON). What JSON cannot carry is refused with
 * DXL_INVALID_PAYLOAD rather than sent as something else (JSON writes NaN as null, drops a function).
 */
export function encodePayload(value: unknown, from: string): Buffer {
  if (typeof value === 'function' || typeof value === 'symbol') {
    throw new TieNodeError(NodeErrorCode.InvalidPayload, `${from} is a ${typeof value}: send text, a Buffer, or a value JSON can carry`);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new TieNodeError(NodeErrorCode.InvalidPayload, `${from} is ${String(value)}: JSON has no such number`);
  }
  try {
    return payloadToBuffer(value as DxlPayload);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TieNodeError(NodeErrorCode.InvalidPayload, `${from} cannot be sent as JSON: ${reason}`);
  }
}

/** A payload off the wire in the chosen form; a `json` payload that is not JSON is DXL_MALFORMED. */
export function decodePayload(payload: Buffer, format: PayloadFormat, topic: string): unknown {
  switch (format) {
    case 'buffer':
      return payload;
    case 'text':
      return payload.toString('utf8');
    case 'json':
      if (payload.length === 0) return null;
      try {
        return parseJsonPayload(payload);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new TieNodeError(DxlErrorCode.Malformed, `The payload on ${topic} is not JSON (${reason}); choose text or a Buffer`, {
          topic,
        });
      }
  }
}

/** The DXL fields of a message, put in msg.dxl beside its payload. */
export interface DxlFields {
  messageId: string;
  sourceClientId: string;
  sourceBrokerId: string;
  serviceId?: string;
  otherFields?: Record<string, string>;
}

export function dxlFields(message: DxlMessage): DxlFields {
  const fields: DxlFields = {
    messageId: message.messageId,
    sourceClientId: message.sourceClientId,
    sourceBrokerId: message.sourceBrokerId,
  };
  if (message.serviceId) fields.serviceId = message.serviceId;
  if (Object.keys(message.otherFields).length > 0) fields.otherFields = { ...message.otherFields };
  return fields;
}
