import fs from 'node:fs';

/*
 * The official OpenDXL JavaScript client (@opendxl/dxl-client 0.1.4), typed as far as
 * these tests use it, with promise helpers around its callback API.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dxl = require('@opendxl/dxl-client') as OfficialModule;

export interface OfficialMessage {
  messageId: string;
  destinationTopic: string;
  payload: Buffer | string;
  sourceClientId: string;
  sourceBrokerId: string;
  serviceId: string;
  clientIds: string[];
  brokerIds: string[];
  otherFields: Record<string, string>;
}

export interface OfficialRequestError extends Error {
  code?: string;
  dxlErrorResponse: OfficialMessage & { errorCode: number; errorMessage: string };
}

export interface OfficialServiceInfo {
  serviceId: string;
  ttl: number;
  metadata: Record<string, string>;
  addTopic(topic: string, callback: (request: OfficialMessage) => void): void;
}

export interface OfficialClient {
  connected: boolean;
  connect(callback?: () => void): void;
  destroy(callback?: () => void): void;
  disconnect(callback?: () => void): void;
  subscribe(topic: string): void;
  addEventCallback(topic: string, callback: (event: OfficialMessage) => void, subscribe?: boolean): void;
  sendEvent(event: object): void;
  asyncRequest(request: object, callback: (error: OfficialRequestError | null, response: OfficialMessage | null) => void): void;
  registerServiceAsync(info: OfficialServiceInfo, callback?: (error: Error | null) => void): void;
  unregisterServiceAsync(info: OfficialServiceInfo, callback?: (error: Error | null) => void): void;
  sendResponse(response: object): void;
}

interface OfficialModule {
  Client: new (config: object) => OfficialClient;
  Config: {
    new (ca: Buffer, cert: Buffer, key: Buffer, brokers: object[], webSocketBrokers?: object[], useWebSockets?: boolean): object;
    createDxlConfigFromFile(file: string): object;
  };
  Broker: new (hosts: string[], id: string, port: number) => object;
  Request: new (topic: string) => { payload: string | Buffer; serviceId: string; clientIds: string[]; brokerIds: string[] };
  Response: new (request: OfficialMessage) => { payload: string | Buffer };
  ErrorResponse: new (request: OfficialMessage, code: number, message: string) => object;
  Event: new (topic: string) => { payload: string | Buffer };
  ServiceRegistrationInfo: new (client: OfficialClient, serviceType: string) => OfficialServiceInfo;
}

export interface OfficialClientFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface BrokerAddress {
  host: string;
  port: number;
}

function connect(client: OfficialClient, timeoutMs: number): Promise<OfficialClient> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.destroy();
      reject(new Error(`the official client did not connect within ${timeoutMs} ms`));
    }, timeoutMs);
    client.connect(() => {
      clearTimeout(timer);
      resolve(client);
    });
  });
}

/** An official client connected with PEM files to one broker (MQTT over TLS, or wss when `webSockets`). */
export function connectOfficialClient(
  files: OfficialClientFiles,
  broker: BrokerAddress,
  options: { webSockets?: boolean; timeoutMs?: number } = {},
): Promise<OfficialClient> {
  const read = (file: string): Buffer => fs.readFileSync(file);
  const brokers = [new dxl.Broker([broker.host], 'fabric', broker.port)];
  const config = options.webSockets
    ? new dxl.Config(read(files.caFile), read(files.certFile), read(files.keyFile), [], brokers, true)
    : new dxl.Config(read(files.caFile), read(files.certFile), read(files.keyFile), brokers);
  return connect(new dxl.Client(config), options.timeoutMs ?? 10_000);
}

/** An official client connected as a `dxlclient.config` file says. */
export function connectOfficialClientFromConfig(configFile: string, options: { timeoutMs?: number } = {}): Promise<OfficialClient> {
  return connect(new dxl.Client(dxl.Config.createDxlConfigFromFile(configFile)), options.timeoutMs ?? 10_000);
}

/** Unregisters the client's services and disconnects it. */
export function closeOfficialClient(client: OfficialClient): Promise<void> {
  return new Promise((resolve) => client.destroy(() => resolve()));
}

/** Drops the connection without unregistering the client's services, as a crash would. */
export function disconnectOfficialClient(client: OfficialClient): Promise<void> {
  return new Promise((resolve) => client.disconnect(() => resolve()));
}

/** Sends a request; resolves with the Response, rejects with the client's RequestError. */
export function officialRequest(
  client: OfficialClient,
  topic: string,
  payload: string,
  options: { serviceId?: string; routedTo?: { clientIds: string[]; brokerIds: string[] } } = {},
): Promise<OfficialMessage> {
  const request = new dxl.Request(topic);
  request.payload = payload;
  if (options.serviceId) request.serviceId = options.serviceId;
  // A request already routed (by another broker of the fabric): a broker passes it on as it is.
  if (options.routedTo) {
    request.clientIds = options.routedTo.clientIds;
    request.brokerIds = options.routedTo.brokerIds;
  }
  return new Promise((resolve, reject) => client.asyncRequest(request, (error, response) => (error ? reject(error) : resolve(response!))));
}

export function officialEvent(client: OfficialClient, topic: string, payload: string): void {
  const event = new dxl.Event(topic);
  event.payload = payload;
  client.sendEvent(event);
}

/** What an official service answers: a payload, an ErrorResponse with its code and message, or (undefined) nothing. */
export type OfficialAnswer = string | Buffer | { errorCode: number; errorMessage: string } | undefined;

/** Request topics and how each is answered. */
export type OfficialTopics = Record<string, (request: OfficialMessage) => OfficialAnswer>;

function serviceInfo(client: OfficialClient, serviceType: string, topics: OfficialTopics): OfficialServiceInfo {
  const info = new dxl.ServiceRegistrationInfo(client, serviceType);
  for (const [topic, answer] of Object.entries(topics)) {
    info.addTopic(topic, (request) => {
      const answered = answer(request);
      if (answered === undefined) return;
      if (typeof answered === 'string' || Buffer.isBuffer(answered)) {
        const response = new dxl.Response(request);
        response.payload = answered;
        client.sendResponse(response);
      } else {
        client.sendResponse(new dxl.ErrorResponse(request, answered.errorCode, answered.errorMessage));
      }
    });
  }
  return info;
}

/** Registers a service whose topics answer with the handler's text; resolves when the fabric acknowledged it. */
export function registerOfficialService(client: OfficialClient, serviceType: string, topics: OfficialTopics): Promise<OfficialServiceInfo> {
  const info = serviceInfo(client, serviceType, topics);
  return new Promise((resolve, reject) => client.registerServiceAsync(info, (error) => (error ? reject(error) : resolve(info))));
}

/**
 * Registers a service on a plain MQTT broker, which never acknowledges registrations:
 * resolves once the service's topics are subscribed instead.
 */
export async function serveOfficialOnPlainMqtt(
  client: OfficialClient,
  serviceType: string,
  topics: OfficialTopics,
): Promise<OfficialServiceInfo> {
  const info = serviceInfo(client, serviceType, topics);
  client.registerServiceAsync(info);
  await Promise.all(Object.keys(topics).map((topic) => subscribeOfficial(client, topic, () => undefined)));
  return info;
}

export function unregisterOfficialService(client: OfficialClient, info: OfficialServiceInfo): Promise<void> {
  return new Promise((resolve, reject) => client.unregisterServiceAsync(info, (error) => (error ? reject(error) : resolve())));
}

/**
 * Subscribes and resolves once the subscription is live: the official client does not
 * say when the broker has it, but one connection's packets stay in order, so its own
 * probe event coming back proves it.
 */
export async function subscribeOfficial(client: OfficialClient, topic: string, onEvent: (event: OfficialMessage) => void): Promise<void> {
  const probeTopic = topic.endsWith('#') ? `${topic.slice(0, -1)}probe` : topic;
  const probe = `probe-${Math.random()}`;
  const live = new Promise<void>((resolve) =>
    client.addEventCallback(
      topic,
      (event) => {
        if (String(event.payload) === probe) resolve();
        else onEvent(event);
      },
      false,
    ),
  );
  client.subscribe(topic);
  officialEvent(client, probeTopic, probe);
  await live;
}

export function payloadText(message: OfficialMessage): string {
  return String(message.payload);
}
