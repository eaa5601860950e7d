/**
 * What a hostile peer sends with the official OpenDXL client: a registration under another
 * service's serviceGuid, an ErrorResponse naming any service, a request it addressed itself. The
 * client is the real one; only the messages lie.
 */
import type { OfficialClient, OfficialMessage, OfficialRequestError, OfficialServiceInfo } from './official-client';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dxl = require('@opendxl/dxl-client') as {
  Request: new (topic: string) => { payload: string; serviceId: string; clientIds: string[]; brokerIds: string[] };
  ErrorResponse: new (request: { replyToTopic: string; messageId: string; serviceId: string }, code: number, message: string) => object;
  ServiceRegistrationInfo: new (client: OfficialClient, serviceType: string) => OfficialServiceInfo;
};

/**
 * Registers a service under a serviceGuid of the caller's choosing; resolves with the fabric's
 * refusal, or undefined when it acknowledged the registration.
 */
export function registerUnderGuid(client: OfficialClient, serviceGuid: string, topics: string[]): Promise<Error | undefined> {
  const info = new dxl.ServiceRegistrationInfo(client, '/spoof/service');
  info.serviceId = serviceGuid;
  for (const topic of topics) info.addTopic(topic, () => undefined);
  return new Promise((resolve) => client.registerServiceAsync(info, (error) => resolve(error ?? undefined)));
}

/** An ErrorResponse as a service would send it for a request of `serviceId`, sent to `replyToTopic`. */
export function sendErrorNaming(client: OfficialClient, serviceId: string, code: number, replyToTopic = '/spoof/reply'): void {
  const request = { replyToTopic, messageId: '{spoofed-request}', serviceId };
  client.sendResponse(new dxl.ErrorResponse(request, code, 'unable to locate service for request'));
}

/**
 * A request with the routing fields set by the sender: resolves with the Response, or with the
 * RequestError of an ErrorResponse.
 */
export function addressedRequest(
  client: OfficialClient,
  topic: string,
  fields: { serviceId: string; clientIds?: string[]; brokerIds?: string[] },
): Promise<OfficialMessage | OfficialRequestError> {
  const request = new dxl.Request(topic);
  request.payload = '{}';
  request.serviceId = fields.serviceId;
  if (fields.clientIds) request.clientIds = fields.clientIds;
  if (fields.brokerIds) request.brokerIds = fields.brokerIds;
  return new Promise((resolve) => client.asyncRequest(request, (error, response) => resolve(error ?? response!)));
}
