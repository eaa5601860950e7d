import os from 'node:os';
import path from 'node:path';
import type { DxlMessaging } from '../dxl/api';
import { DxlClient } from '../dxl/client';
import { DxlError } from '../dxl/errors';
import { resolveUserPath } from '../dxl/home-path';
import { DEFAULT_BROKER_PORT, DEFAULT_MANAGEMENT_PORT } from '../dxl/numbers';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../dxl/packet-limits';
import { CLIENT_CONFIG_FILE, writeClientConfig } from './client-config';
import { loadOrCreateBrokerId } from './broker-id';
import { tieSimulatorPolicy } from './default-policy';
import { DxlBroker } from './dxl-broker';
import { oneLine } from './log-text';
import { type Listener, type ServerTls, startTlsListener, startWebSocketListener } from './listeners';
import type { FabricEndpoints } from './management-commands';
import { loadOrCreateManagementPassword } from './management-password';
import { DEFAULT_MANAGEMENT_USER, type RunningManagementService, startManagementService } from './management-service';
import { type FabricPki, PkiFileName, loadOrCreateFabricPki } from './pki-store';
import { certificateSha1 } from './pki';
import { presentedCertificateSha1 } from './presented-certificate';
import { ServiceFirstAdmission } from './service-first-admission';
import { startTieSimulator } from './simulator-host';
import { type TopicPolicy, openTopicPolicy, readTopicPolicy } from './topic-policy';
import { readTopicPolicyFile } from './topic-policy-file';

export { DEFAULT_MAX_MESSAGE_BYTES };
/** The fabric listens where DXL brokers do. */
export const DEFAULT_FABRIC_PORT = DEFAULT_BROKER_PORT;
export const DEFAULT_FABRIC_HOST = '127.0.0.1';
const CLOSE_STEP_TIMEOUT_MS = 5000;
const SIMULATOR_CONNECT_TIMEOUT_MS = 10_000;

/** Something started on the fabric's own DXL client, stopped before the fabric closes. */
export interface FabricService {
  close(): Promise<void>;
}

/** Starts a service (such as the TIE simulator) on a DXL client connected to the fabric. */
export type FabricServiceFactory = (dxl: DxlMessaging, context: { dataDir: string; log: (line: string) => void }) => Promise<FabricService>;

export interface FabricOptions {
  /** MQTT over TLS port. Default 8883; 0 picks a free port. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Where the PKI, dxlclient.config and the simulator's state live. Default `~/.node-red-contrib-tie/fabric`. */
  dataDir?: string;
  /** Also listen for MQTT over secure WebSockets on this port (0 picks a free one). Off when absent. */
  webSocketPort?: number;
  /**
   * Runs the TIE simulator on the fabric (default true), or another service when given
   * a factory; false runs the bare fabric.
   */
  simulator?: boolean | FabricServiceFactory;
  /**
   * Largest MQTT packet accepted, as the OpenDXL broker counts it (the remaining length: for a
   * PUBLISH, 2 + topic bytes + the DXL message); a client that sends a bigger one is disconnected.
   * Default 1 MiB, as the OpenDXL broker.
   */
  maxMessageBytes?: number;
  /**
   * Who may send and receive on which topic, in the OpenDXL broker's `topicauth.policy` format:
   * the policy itself, or the path of a file holding it (JSON with comments, at most 1 MiB).
   * Default: with the TIE simulator, only the simulator's certificate may serve TIE and publish
   * the servers' events (`tieSimulatorPolicy`); without it, every topic is open. A policy given
   * replaces the default one. See docs/fabric.md.
   */
  policy?: TopicPolicy | string;
  /**
   * Receives one line per notable event (refused clients, clients disconnected for oversized
   * packets, dropped messages). Silent by default. Lines hold no control characters.
   */
  log?: (line: string) => void;
  /**
   * Also serve the management API that DXL clients provision themselves from, as ePO and the
   * OpenDXL console do (HTTPS with basic authentication). Off when absent.
   */
  management?: FabricManagementOptions;
}

export interface FabricManagementOptions {
  /** Interface to listen on. Default 127.0.0.1, whatever the brokers listen on: it hands out certificates. */
  host?: string;
  /** Default 8443; 0 picks a free port. */
  port?: number;
  /** Default "admin". */
  user?: string;
  /** Default: a random password made at the first start and kept in the data directory (management-password). */
  password?: string;
}

/** The management API of a running fabric; its certificate chains to `files.caCert`. */
export interface FabricManagement {
  readonly host: string;
  readonly port: number;
  /** `https://host:port`. */
  readonly url: string;
  readonly user: string;
  readonly password: string;
}

export interface RunningFabric {
  readonly host: string;
  readonly port: number;
  /** Set when the WebSocket listener runs. */
  readonly webSocketPort?: number;
  readonly brokerId: string;
  readonly dataDir: string;
  /** A ready `dxlclient.config` for clients of this fabric. */
  readonly configPath: string;
  /** PEM files in the data directory: the CA bundle and the client certificate and key that configPath names. */
  readonly files: { readonly caCert: string; readonly clientCert: string; readonly clientKey: string };
  /** Set when the management API runs. */
  readonly management?: FabricManagement;
  /** The topic policy in force, thumbprints normalised. */
  readonly policy: TopicPolicy;
  /**
   * Drops a live service registration and announces it, as the OpenDXL broker does when a request
   * routed to a stale instance of the service reaches nobody; false when it was not registered.
   */
  dropService(serviceGuid: string): boolean;
  /** Stops the simulator, closes every connection and the listeners. Bounded in time; safe to call twice. */
  close(): Promise<void>;
}

export function defaultDataDir(): string {
  return path.join(os.homedir(), '.node-red-contrib-tie', 'fabric');
}

/** Where local clients should connect when the fabric listens on every interface. */
function connectHost(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
}

async function withinTimeout(step: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([
      step.then(
        () => undefined,
        () => undefined,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The policy given, read and checked; undefined when none was. */
function givenPolicy(given: FabricOptions['policy']): TopicPolicy | undefined {
  if (typeof given === 'string') return readTopicPolicyFile(given);
  return given === undefined ? undefined : readTopicPolicy(given);
}

function serviceFactory(option: FabricOptions['simulator']): FabricServiceFactory | undefined {
  if (option === false) return undefined;
  if (typeof option === 'function') return option;
  return startTieSimulator;
}

/** Runs a service factory on a DXL client of the fabric's own, with the simulator's certificate. */
async function startOnOwnClient(
  factory: FabricServiceFactory,
  pki: FabricPki,
  address: { host: string; port: number },
  dataDir: string,
  log: (line: string) => void,
): Promise<FabricService> {
  const client = new DxlClient({
    brokers: [address],
    ca: pki.ca.certPem,
    cert: pki.simulator.certPem,
    key: pki.simulator.keyPem,
    probeBrokers: false,
    logger: { warn: (line) => log(`fabric client: ${line}`) },
  });
  try {
    await client.connect({ timeoutMs: SIMULATOR_CONNECT_TIMEOUT_MS });
    const service = await factory(client, { dataDir, log });
    return {
      close: async () => {
        await withinTimeout(service.close(), CLOSE_STEP_TIMEOUT_MS);
        await withinTimeout(client.close(), CLOSE_STEP_TIMEOUT_MS);
      },
    };
  } catch (error) {
    await withinTimeout(client.close(), CLOSE_STEP_TIMEOUT_MS);
    throw await withWhoAnswered(error, address, pki);
  }
}

/**
 * A failure of the fabric's own client to trust its broker names the address it dialled and the
 * certificate that answered there, beside the broker's own: which server answered is the question
 * such a failure leaves.
 */
async function withWhoAnswered(error: unknown, address: { host: string; port: number }, pki: FabricPki): Promise<unknown> {
  if (!(error instanceof DxlError) || !/\bTLS\b/.test(error.message)) return error;
  const presented = (await presentedCertificateSha1(address)) ?? 'none';
  const own = certificateSha1(pki.broker.certPem);
  const who =
    presented === own ? "the fabric's broker certificate" : `certificate ${presented}, not the fabric's broker certificate ${own}`;
  return new DxlError(error.code, `${error.message} (the fabric's own client, at ${address.host}:${address.port}: ${who})`, {
    cause: error,
  });
}

async function startManagement(
  options: FabricManagementOptions,
  context: { pki: FabricPki; serverTls: ServerTls; log: (line: string) => void; endpoints: () => FabricEndpoints; dataDir: string },
): Promise<{ service: RunningManagementService; info: FabricManagement }> {
  const listenHost = options.host ?? DEFAULT_FABRIC_HOST;
  const user = options.user ?? DEFAULT_MANAGEMENT_USER;
  const password = options.password ?? loadOrCreateManagementPassword(context.dataDir);
  const service = await startManagementService({
    host: listenHost,
    port: options.port ?? DEFAULT_MANAGEMENT_PORT,
    tls: { cert: context.serverTls.cert, key: context.serverTls.key },
    user,
    password,
    ca: context.pki.ca,
    endpoints: context.endpoints,
    log: context.log,
  });
  const host = connectHost(listenHost);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { service, info: { host, port: service.port, url: `https://${urlHost}:${service.port}`, user, password } };
}

/**
 * Starts an embedded DXL fabric: an MQTT broker over mutual TLS with the OpenDXL
 * broker's service semantics, its PKI and a `dxlclient.config` in `dataDir`, and
 * (unless `simulator: false`) the TIE simulator as a registered service.
 */
export async function startFabric(options: FabricOptions = {}): Promise<RunningFabric> {
  // Before anything is written: a policy that cannot be read stops the start.
  const given = givenPolicy(options.policy);
  const host = options.host ?? DEFAULT_FABRIC_HOST;
  const dataDir = resolveUserPath(options.dataDir ?? defaultDataDir());
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const sink = options.log ?? (() => undefined);
  const log = (line: string): void => sink(oneLine(line));
  const altNames = [host, os.hostname()].filter((name) => name !== '' && name !== '0.0.0.0' && name !== '::');
  const pki = loadOrCreateFabricPki(dataDir, { brokerAltNames: altNames });
  const brokerId = loadOrCreateBrokerId(dataDir);
  const factory = serviceFactory(options.simulator);
  const serviceClientId = certificateSha1(pki.simulator.certPem);
  const policy = given ?? (factory ? tieSimulatorPolicy(serviceClientId) : openTopicPolicy());
  const serverTls: ServerTls = { ca: pki.ca.certPem, cert: pki.broker.certPem, key: pki.broker.keyPem };
  const startTime = Date.now();

  let mqttListener: Listener | undefined;
  let webSocketListener: Listener | undefined;
  let service: FabricService | undefined;
  let management: RunningManagementService | undefined;
  const broker = await DxlBroker.start({
    brokerGuid: brokerId,
    maxMessageBytes,
    policy,
    log,
    endpoints: () => ({
      hostname: connectHost(host),
      port: mqttListener?.port ?? 0,
      webSocketPort: webSocketListener?.port ?? 0,
      startTime,
    }),
  });

  const shutdown = async (): Promise<void> => {
    if (service) await withinTimeout(service.close(), 2 * CLOSE_STEP_TIMEOUT_MS);
    if (management) await withinTimeout(management.close(), CLOSE_STEP_TIMEOUT_MS);
    await Promise.all(
      [mqttListener, webSocketListener].map((listener) =>
        listener ? withinTimeout(listener.close(), CLOSE_STEP_TIMEOUT_MS) : Promise.resolve(),
      ),
    );
    await withinTimeout(broker.close(), CLOSE_STEP_TIMEOUT_MS);
  };

  try {
    const admission = new ServiceFirstAdmission(broker.accept.bind(broker), (identity) => identity.canonicalId === serviceClientId);
    const accept = admission.admit;
    mqttListener = await startTlsListener({ host, port: options.port ?? DEFAULT_FABRIC_PORT, tls: serverTls, accept, log });
    if (options.webSocketPort !== undefined) {
      webSocketListener = await startWebSocketListener({
        host,
        port: options.webSocketPort,
        tls: serverTls,
        accept,
        log,
        // Up to this size a message reaches the size guard, which closes the connection for it; beyond, ws does.
        maxFrameBytes: 4 * maxMessageBytes,
      });
    }
    const configPath = path.join(dataDir, CLIENT_CONFIG_FILE);
    writeClientConfig(configPath, {
      brokerId,
      host: connectHost(host),
      port: mqttListener.port,
      ...(webSocketListener ? { webSocketPort: webSocketListener.port } : {}),
      caFile: PkiFileName.caCert,
      certFile: PkiFileName.clientCert,
      keyFile: PkiFileName.clientKey,
    });
    const endpoints = (): FabricEndpoints => ({
      brokerId,
      host: connectHost(host),
      port: mqttListener!.port,
      ...(webSocketListener ? { webSocketPort: webSocketListener.port } : {}),
    });
    const managementInfo = options.management
      ? await startManagement(options.management, { pki, serverTls, log, endpoints, dataDir })
      : undefined;
    management = managementInfo?.service;
    if (factory) service = await startOnOwnClient(factory, pki, { host: connectHost(host), port: mqttListener.port }, dataDir, log);
    admission.openToAll();

    let closing: Promise<void> | undefined;
    return {
      host,
      port: mqttListener.port,
      ...(webSocketListener ? { webSocketPort: webSocketListener.port } : {}),
      brokerId,
      dataDir,
      configPath,
      files: { caCert: pki.files.caCert, clientCert: pki.files.clientCert, clientKey: pki.files.clientKey },
      ...(managementInfo ? { management: managementInfo.info } : {}),
      policy,
      dropService: (serviceGuid) => broker.dropService(serviceGuid),
      close: () => (closing ??= shutdown()),
    };
  } catch (error) {
    await shutdown();
    throw error;
  }
}
