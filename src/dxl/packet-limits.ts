/*
 * How big a message may be on the wire, counted as the brokers count it. The OpenDXL broker closes
 * the connection of a client that sends a packet whose MQTT remaining length exceeds its
 * messageSizeLimit (1 MiB by default); for a QoS 0 PUBLISH that is 2 bytes of topic length, the
 * topic and the payload (the DXL envelope). A message is checked before anything is written, so
 * one oversized message costs the caller an error, not everyone their connection.
 */
import { DxlError, DxlErrorCode } from './errors';

/** The OpenDXL broker's default limit on a packet's remaining length. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * What a received packet may exceed the limit by. A broker re-encodes the DXL envelope it forwards
 * and adds its own fields (the OpenDXL broker and the fabric write sourceBrokerId, the client's
 * instance id, tenant GUIDs: a few hundred bytes), so a message sent at exactly the limit arrives a
 * little over it; it must not be refused for that.
 */
const RECEIVED_HEADROOM_BYTES = 4096;

/** The largest remaining length of a packet received, for a client whose messages are bounded by `maxMessageBytes`. */
export function receivedPacketLimit(maxMessageBytes: number): number {
  return Math.min(maxMessageBytes + RECEIVED_HEADROOM_BYTES, MQTT_MAX_REMAINING_LENGTH);
}

/** The largest remaining length MQTT can express (four bytes of seven bits). */
const MQTT_MAX_REMAINING_LENGTH = 0x0fffffff;

/** MQTT strings (topics) carry a two-byte length. */
export const MAX_TOPIC_BYTES = 0xffff;

/** The error for a topic MQTT cannot carry, if it is one. */
export function topicTooLong(topic: string): DxlError | undefined {
  // A UTF-16 unit is at most 3 UTF-8 bytes: most topics are cleared without counting.
  if (topic.length * 3 <= MAX_TOPIC_BYTES) return undefined;
  const bytes = Buffer.byteLength(topic, 'utf8');
  if (bytes <= MAX_TOPIC_BYTES) return undefined;
  return new DxlError(DxlErrorCode.InvalidArgument, `A topic of ${bytes} bytes is longer than the ${MAX_TOPIC_BYTES} bytes MQTT allows`);
}

/** The remaining length of the QoS 0 PUBLISH that carries `payloadBytes` on `topic`. */
export function publishRemainingLength(topic: string, payloadBytes: number): number {
  return 2 + Buffer.byteLength(topic, 'utf8') + payloadBytes;
}

/** The error for a message whose PUBLISH the brokers would not take, if it is one. */
export function oversized(
  kind: 'request' | 'response' | 'event',
  topic: string,
  payload: Buffer,
  brokerLimit: number,
): DxlError | undefined {
  const limit = Math.min(brokerLimit, MQTT_MAX_REMAINING_LENGTH);
  const longTopic = topicTooLong(topic);
  if (longTopic) return longTopic;
  // Cheap bound first: a topic's UTF-8 length is at most three times its UTF-16 length.
  if (2 + topic.length * 3 + payload.length <= limit) return undefined;
  const size = publishRemainingLength(topic, payload.length);
  if (size <= limit) return undefined;
  return new DxlError(
    DxlErrorCode.InvalidArgument,
    `The ${kind} on ${topic} is ${size} bytes: over the ${limit} bytes a DXL broker accepts`,
    { topic },
  );
}
