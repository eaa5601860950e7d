import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Aedes, AedesPublishPacket, Client, ConnectPacket, PublishPacket } from 'aedes' with { 'resolution-mode': 'import' };
import { type BrokerEndpoints, BrokerServices } from './broker-services';
import type { ClientIdentity } from './client-identity';
import { FabricLog } from './fabric-log';
import { GuardedConnection } from './guarded-connection';
import { logValue, oneLine } from './log-text';
import { DxlMessageRouter } from './message-router';
import { ServiceRegistry } from './service-registry';
import { TopicAuthorization } from './topic-authorization';
import { type TopicPolicy, openTopicPolicy } from './topic-policy';
import { type ServiceDropper, serviceDropper } from './service-drop';

/** Where messages the fabric consumes go: a topic no delivery ever reaches. */
const CONSUMED_TOPIC = '$fabric/consumed';

/** The official JS client sends a 38-character id on MQTT 3.1; the fabric then replaces it (see preConnect). */
const MAX_CLIENT_ID_LENGTH = 128;

export interface DxlBrokerOptions {
  brokerGuid: string;
  /** Largest MQTT packet (remaining length) accepted; a client that sends a bigger one is disconnected. */
  maxMessageBytes: number;
  endpoints: () => BrokerEndpoints;
  /** How often expired service registrations are swept. Default one minute. */
  ttlCheckIntervalMs?: number;
  /** Grace period added to each registration's TTL. Default 5 minutes, as the OpenDXL broker. */
  ttlGraceMins?: number;
  /** Who may send and receive on which topic (checked already). Default: everyone everywhere. */
  policy?: TopicPolicy;
  log?: (line: string) => void;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An aedes MQTT broker with the DXL semantics of DxlMessageRouter plugged into its
 * hooks. Connections arrive already authenticated (TLS with a client certificate):
 * `accept` gets the transport and the identity its certificate gives.
 */
export class DxlBroker {
  readonly registry: ServiceRegistry;
  private readonly router: DxlMessageRouter;
  private readonly dropper: ServiceDropper;
  private readonly identities = new WeakMap<object, ClientIdentity>();
  private readonly ttlTimer: NodeJS.Timeout;
  private readonly log: FabricLog;
  private aedes: Aedes | undefined;

  private constructor(private readonly options: DxlBrokerOptions) {
    const sink = options.log ?? (() => undefined);
    this.log = new FabricLog((line) => sink(oneLine(line)));
    this.registry = new ServiceRegistry({ ttlGraceMins: options.ttlGraceMins ?? 5 });
    const authorization = new TopicAuthorization(options.policy ?? openTopicPolicy());
    const services = new BrokerServices(this.registry, options.brokerGuid, options.endpoints, { authorization, log: this.log });
    this.router = new DxlMessageRouter({
      brokerGuid: options.brokerGuid,
      registry: this.registry,
      services,
      publish: (topic, payload) => this.publish(topic, payload),
      authorization,
      log: this.log,
    });
    this.dropper = serviceDropper(
      this.registry,
      (serviceGuid) => services.unregisteredEvent(serviceGuid),
      (topic, payload) => this.publish(topic, payload),
    );
    this.ttlTimer = setInterval(() => this.router.expireServices(), options.ttlCheckIntervalMs ?? 60_000);
    this.ttlTimer.unref();
  }

  static async start(options: DxlBrokerOptions): Promise<DxlBroker> {
    const broker = new DxlBroker(options);
    try {
      await broker.startAedes();
    } catch (error) {
      clearInterval(broker.ttlTimer);
      throw error;
    }
    return broker;
  }

  private async startAedes(): Promise<void> {
    // aedes is ESM only; this import() survives the CommonJS build (module: node16).
    const { Aedes } = await import('aedes');
    const aedes = new Aedes({
      id: this.options.brokerGuid,
      maxClientsIdLength: MAX_CLIENT_ID_LENGTH,
      preConnect: (client, packet, callback) => this.preConnect(client, packet, callback),
      authorizePublish: (client, packet, callback) => this.authorizePublish(client, packet, callback),
      authorizeForward: (client, packet) => this.authorizeForward(client, packet),
      published: (packet, _client, callback) => {
        this.router.onDelivered(packet.payload as Buffer);
        callback(null);
      },
    });
    aedes.on('clientDisconnect', (client) => {
      const identity = this.identities.get(client.conn);
      if (identity) this.router.onClientGone(identity);
    });
    // The id is the fabric's own (see preConnect) or, before CONNECT was read, the client's.
    aedes.on('clientError', (client, error) =>
      this.log.limited('client', `client ${logValue(String(client.id))}: ${logValue(describeError(error))}`),
    );
    aedes.on('connectionError', (_client, error) =>
      this.log.limited('connection', `connection refused: ${logValue(describeError(error))}`),
    );
    await aedes.listen();
    this.aedes = aedes;
  }

  /** Hands an authenticated connection to the broker. */
  accept(transport: Duplex, identity: ClientIdentity, request?: IncomingMessage): void {
    const aedes = this.aedes;
    if (!aedes || aedes.closed) {
      transport.destroy();
      return;
    }
    const connection = new GuardedConnection(transport, this.options.maxMessageBytes, {
      onViolation: (reason) => this.log.line(`disconnected ${identity.canonicalId}: ${reason}`),
    });
    connection.on('error', () => undefined);
    this.identities.set(connection, identity);
    aedes.handle(connection, request);
  }

  /** Drops a live registration as the OpenDXL broker can (see service-drop.ts); false when there was none. */
  dropService(serviceGuid: string): boolean {
    return this.dropper.dropService(serviceGuid);
  }

  /** Closes every connection and the broker. */
  async close(): Promise<void> {
    clearInterval(this.ttlTimer);
    const aedes = this.aedes;
    if (!aedes || aedes.closed) return;
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
  }

  private preConnect(client: Client, packet: ConnectPacket, callback: (error: Error | null, success: boolean) => void): void {
    const identity = this.identities.get(client.conn);
    if (!identity) {
      callback(new Error('no client certificate'), false);
      return;
    }
    if (packet.clean === false) {
      callback(new Error('Persistent sessions are not supported'), false);
      return;
    }
    // As the OpenDXL broker, the connection is known by its own instance id, not the
    // id the client chose: two clients with the same ClientId do not take over each other.
    packet.clientId = identity.instanceId;
    callback(null, true);
  }

  private authorizePublish(client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void): void {
    const identity = client ? this.identities.get(client.conn) : undefined;
    if (!identity) {
      // A will message of a connection that is gone; DXL clients set none.
      callback(null);
      return;
    }
    try {
      if (packet.topic.startsWith('$')) {
        packet.topic = CONSUMED_TOPIC;
      } else {
        const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
        const decision = this.router.onClientPublish(identity, packet.topic, payload);
        if (decision.action === 'consume') packet.topic = CONSUMED_TOPIC;
        else packet.payload = decision.payload;
      }
    } catch (error) {
      this.log.limited(
        'error',
        `dropped a message from ${identity.canonicalId} on ${logValue(packet.topic)}: ${logValue(describeError(error))}`,
      );
      packet.topic = CONSUMED_TOPIC;
    }
    // Never refuse with an error: aedes would disconnect the publisher.
    callback(null);
  }

  private authorizeForward(client: Client, packet: AedesPublishPacket): AedesPublishPacket | null {
    if (packet.topic === CONSUMED_TOPIC) return null;
    const identity = this.identities.get(client.conn);
    if (!identity) return packet;
    return this.router.mayDeliver(identity, packet.topic, packet.payload as Buffer) ? packet : null;
  }

  private publish(topic: string, payload: Buffer): void {
    const aedes = this.aedes;
    if (!aedes || aedes.closed) return;
    aedes.publish({ cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false }, (error) => {
      if (error) this.log.limited('publish', `could not publish on ${logValue(topic)}: ${logValue(describeError(error))}`);
    });
  }
}
