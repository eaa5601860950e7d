/**
 * The tie-config's "Test connection", on the dialog's current settings: connects to each broker
 * on its own (which answered, and how: TLS accepted, or which certificate problem), then through
 * the first that answered reads the fabric's broker and service registries, says whether the TIE
 * service is registered (instances, version), and probes the TIE topics the deployed flows use
 * (topic-probes.ts). Everything it reports is a code or a count, worded by the editor; nothing
 * from the wire is quoted but the broker registry's host names and TIE's version.
 */
import { DxlClient, type DxlClientOptions } from '../../src/dxl/client';
import type { BrokerAddress } from '../../src/dxl/config';
import { connectionCauseKind, isTlsFailure } from '../../src/dxl/connection-state';
import { DxlError } from '../../src/dxl/errors';
import { type ServiceEntry, queryBrokers, queryServices } from '../../src/dxl/registry';
import { TIE_SERVICE_TYPE } from '../../src/tie/event-senders';
import { TieTopic } from '../../src/tie/topics';
import { type TieConfigCredentials, type TieConfigSettings, buildClientOptions } from './client-options';
import { type TopicProbe, probeTopic } from './topic-probes';

export interface BrokerOutcome {
  broker: string;
  /** Connected: TLS and MQTT accepted. */
  ok: boolean;
  cause?: string;
  /** The kind of failure, for a few words (connection-state.ts), and whether it is a TLS one. */
  kind?: string;
  tls?: boolean;
  /** The full reason, in English, for the log and the details. */
  reason?: string;
}

export interface ConnectionTestReport {
  /** A setting the runtime cannot use: the test did not connect. */
  configError?: string;
  brokers: BrokerOutcome[];
  /** The brokers the fabric lists (the broker registry), when it answered. */
  fabricBrokers?: Array<{ guid: string; hostname?: string; port?: number; version?: string }>;
  /** Whether the service registry answered; the number of services it lists. */
  services?: number;
  tie?: { instances: number; version?: string; unauthorizedChannels: string[] };
  topics: TopicProbe[];
}

export interface ConnectionTestOptions {
  /** Time for each broker to accept us. Default 8 s. */
  connectTimeoutMs?: number;
  /** Time for each registry answer and topic probe. Default 5 s. */
  probeTimeoutMs?: number;
}

/** The TIE topics each node type sends on: for a file, for a certificate. */
const NODE_TOPICS: Readonly<Record<string, { file: readonly string[]; certificate: readonly string[] }>> = {
  'tie-get-reputation': { file: [TieTopic.GET_FILE_REPUTATION], certificate: [TieTopic.GET_CERT_REPUTATION] },
  'tie-set-reputation': { file: [TieTopic.SET_FILE_REPUTATION], certificate: [TieTopic.SET_CERT_REPUTATION] },
  'tie-first-references': { file: [TieTopic.GET_FILE_FIRST_REFERENCES], certificate: [TieTopic.GET_CERT_FIRST_REFERENCES] },
  'tie-set-external-reputation': { file: [TieTopic.EXTERNAL_FILE_REPORT_EVENT], certificate: [] },
};

/** A deployed node as the test reads it: its type and, for the request nodes, its subject. */
export interface NodeUse {
  type: string;
  subject?: unknown;
}

/** The TIE topics the deployed nodes send on, in a stable order; the file lookup topic when none. */
export function topicsForNodes(nodes: Iterable<NodeUse>): string[] {
  const topics = new Set<string>();
  for (const { type, subject } of nodes) {
    const table = Object.hasOwn(NODE_TOPICS, type) ? NODE_TOPICS[type] : undefined;
    if (table === undefined) continue;
    // As the request nodes read it: a file unless the node says certificate.
    const used = subject === 'certificate' ? table.certificate : table.file;
    for (const topic of used) topics.add(topic);
  }
  if (topics.size === 0) topics.add(TieTopic.GET_FILE_REPUTATION);
  const order = Object.values(TieTopic) as string[];
  return [...topics].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

const silent = { warn: () => undefined };

function brokerName(broker: BrokerAddress): string {
  return `${broker.hosts[0] ?? ''}:${broker.port}`;
}

function brokersOf(options: DxlClientOptions): BrokerAddress[] {
  return options.brokers.map((broker) => ('hosts' in broker ? broker : { port: broker.port, hosts: [broker.host] }));
}

/** Connects to one broker alone; the client stays open when it answered. */
async function tryBroker(
  options: DxlClientOptions,
  broker: BrokerAddress,
  timeoutMs: number,
): Promise<{ outcome: BrokerOutcome; client?: DxlClient }> {
  const name = brokerName(broker);
  // A client id of its own: the deployed connection may use the configured one, which a broker would take over.
  const own: DxlClientOptions = { ...options, brokers: [broker], probeBrokers: false, logger: silent };
  delete own.clientId;
  const client = new DxlClient(own);
  // The first failed attempt is the answer: the test does not wait for the retries.
  let stop: () => void = () => undefined;
  const failed = new Promise<never>((_resolve, reject) => {
    stop = client.onStateChange((state) => {
      if (state.status !== 'connected' && state.cause !== undefined) reject(new Error(state.cause));
    });
  });
  failed.catch(() => undefined);
  try {
    await Promise.race([client.connect({ timeoutMs }), failed]);
    stop();
    return { outcome: { broker: name, ok: true }, client };
  } catch {
    const state = client.connectionState;
    stop();
    await client.close();
    const cause = state.cause ?? 'CONNECT_TIMEOUT';
    const outcome: BrokerOutcome = { broker: name, ok: false, cause, tls: isTlsFailure(cause) };
    const kind = connectionCauseKind(cause);
    if (kind !== undefined) outcome.kind = kind;
    if (state.reason !== undefined) outcome.reason = state.reason;
    return { outcome };
  }
}

/** A GUID, host name or address as the broker registry gives them; a version number. */
const HOST_LIKE = /^[\w.:{}[\]-]{1,253}$/;
const VERSION_LIKE = /^[\w.+-]{1,40}$/;

function tieVersion(instances: readonly ServiceEntry[]): string | undefined {
  for (const instance of instances) {
    for (const [key, value] of Object.entries(instance.metadata)) {
      if (/version/i.test(key) && VERSION_LIKE.test(value)) return value;
    }
  }
  return undefined;
}

/** Runs the test; never throws: a problem is part of the report. */
export async function testConnection(
  settings: TieConfigSettings,
  credentials: TieConfigCredentials,
  topics: readonly string[],
  options: ConnectionTestOptions = {},
): Promise<ConnectionTestReport> {
  const report: ConnectionTestReport = { brokers: [], topics: [] };
  let clientOptions: DxlClientOptions;
  try {
    clientOptions = buildClientOptions(settings, credentials);
  } catch (error) {
    report.configError = error instanceof DxlError ? error.message : 'The settings cannot be used';
    return report;
  }
  const connectTimeoutMs = options.connectTimeoutMs ?? 8000;
  const probeTimeoutMs = options.probeTimeoutMs ?? 5000;
  const attempts = await Promise.all(brokersOf(clientOptions).map((broker) => tryBroker(clientOptions, broker, connectTimeoutMs)));
  report.brokers = attempts.map((attempt) => attempt.outcome);
  const open = attempts.filter((attempt) => attempt.client !== undefined).map((attempt) => attempt.client as DxlClient);
  const client = open[0];
  await Promise.all(open.slice(1).map((other) => other.close()));
  if (client === undefined) return report;
  try {
    const [brokers, services] = await Promise.all([
      queryBrokers(client, probeTimeoutMs).catch(() => undefined),
      queryServices(client, {}, probeTimeoutMs).catch(() => undefined),
    ]);
    if (brokers !== undefined) {
      // Only what reads as a GUID, a host name and a version goes into the report: it is shown as it is.
      report.fabricBrokers = brokers.map(({ guid, hostname, port, version }) => ({
        guid: HOST_LIKE.test(guid) ? guid : '?',
        ...(hostname === undefined || !HOST_LIKE.test(hostname) ? {} : { hostname }),
        ...(port === undefined ? {} : { port }),
        ...(version === undefined || !VERSION_LIKE.test(version) ? {} : { version }),
      }));
    }
    if (services !== undefined) {
      report.services = services.length;
      const instances = services.filter((service) => service.serviceType === TIE_SERVICE_TYPE);
      const version = tieVersion(instances);
      report.tie = {
        instances: instances.length,
        unauthorizedChannels: [...new Set(instances.flatMap((instance) => instance.unauthorizedChannels))],
        ...(version === undefined ? {} : { version }),
      };
    }
    report.topics = await Promise.all(topics.map((topic) => probeTopic(client, topic, services, probeTimeoutMs)));
  } finally {
    await client.close();
  }
  return report;
}
