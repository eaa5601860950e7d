import { randomUUID } from 'node:crypto';
import { type DxlMessage, MessageType, emptyMessage } from '../dxl/message';

/*
 * Messages the fabric itself makes, as the OpenDXL broker makes its own:
 * sourceClientId = sourceBrokerId = the broker GUID, a fresh UUID without braces as
 * messageId, and replies addressed to the requesting connection only.
 */

/** JSON as the broker writes it: ends with a newline. */
export function brokerJson(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value)}\n`, 'utf8');
}

function fromBroker(messageType: MessageType, topic: string, brokerGuid: string): DxlMessage {
  const message = emptyMessage(messageType, topic);
  message.messageId = randomUUID();
  message.sourceClientId = brokerGuid;
  message.sourceBrokerId = brokerGuid;
  return message;
}

function replyTo(request: DxlMessage, messageType: MessageType, brokerGuid: string): DxlMessage {
  const reply = fromBroker(messageType, request.replyToTopic, brokerGuid);
  reply.requestMessageId = request.messageId;
  reply.serviceId = request.serviceId;
  if (request.sourceClientInstanceId) reply.clientIds = [request.sourceClientInstanceId];
  reply.brokerIds = [brokerGuid];
  return reply;
}

export function brokerResponse(request: DxlMessage, payload: Buffer, brokerGuid: string): DxlMessage {
  const response = replyTo(request, MessageType.Response, brokerGuid);
  response.payload = payload;
  return response;
}

export function brokerErrorResponse(request: DxlMessage, errorCode: number, errorMessage: string, brokerGuid: string): DxlMessage {
  const error = replyTo(request, MessageType.ErrorResponse, brokerGuid);
  error.errorCode = errorCode;
  error.errorMessage = errorMessage;
  return error;
}

export function brokerEvent(topic: string, payload: Buffer, brokerGuid: string): DxlMessage {
  const event = fromBroker(MessageType.Event, topic, brokerGuid);
  event.payload = payload;
  return event;
}
