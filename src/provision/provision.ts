/*
 * What a client asks of the management server: a signed certificate for a key made here (with
 * the CA bundle and the brokers), or a fresh CA bundle and broker list for a configuration it
 * already has.
 */
import { X509Certificate, createPublicKey } from 'node:crypto';
import type { DxlClientOptions } from '../dxl/client';
import type { BrokerAddress } from '../dxl/config';
import { type CsrOptions, generateKeyAndCsr } from './csr';
import { ProvisionError, ProvisionErrorCode } from './errors';
import { runManagementCommand } from './management-command';
import { type BrokerList, parseBrokerList, parseCaBundle, parseProvisioningPackage } from './management-payloads';
import { type ManagementServer, resolveManagementServer, serverOrigin } from './management-server';

/** The management service's remote commands. */
export const ManagementCommand = {
  provision: 'DxlBrokerMgmt.generateOpenDXLClientProvisioningPackageCmd',
  caBundle: 'DxlClientMgmt.createClientCaBundle',
  brokerList: 'DxlClientMgmt.getBrokerList',
} as const;

/** Everything a DXL client needs, as text: ready for DxlClient, node credentials or files. */
export interface ProvisionedClient {
  /** PEM CA bundle that signs the brokers' certificates. */
  caBundlePem: string;
  /** PEM client certificate signed by the server. */
  certPem: string;
  /** PKCS#8 PEM private key, made here, unencrypted. */
  keyPem: string;
  /** The request that was signed (the official command line keeps it as client.csr). */
  csrPem: string;
  brokers: BrokerAddress[];
  webSocketBrokers: BrokerAddress[];
}

/** A fresh CA bundle and broker list for an existing configuration. */
export interface BrokerUpdate extends BrokerList {
  caBundlePem: string;
}

function commandUrl(server: ManagementServer, command: string): string {
  return `${serverOrigin(resolveManagementServer(server))}/remote/${command}`;
}

function spki(key: ReturnType<typeof createPublicKey>): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

function checkCertificateIsForKey(certPem: string, keyPem: string, where: string): void {
  let matches: boolean;
  try {
    matches = spki(new X509Certificate(certPem).publicKey).equals(spki(createPublicKey(keyPem)));
  } catch {
    matches = false;
  }
  if (!matches) throw new ProvisionError(ProvisionErrorCode.BadResponse, `${where}: the certificate returned is not for the key made here`);
}

/**
 * Provisions a new client: makes an RSA 2048 key and a SHA-256 CSR here, has the management
 * server sign it, and returns the CA bundle, certificate, key and brokers.
 */
export async function provisionDxlClient(server: ManagementServer, request: CsrOptions): Promise<ProvisionedClient> {
  const where = commandUrl(server, ManagementCommand.provision);
  const { keyPem, csrPem } = await generateKeyAndCsr(request);
  const detail = await runManagementCommand(server, ManagementCommand.provision, { csrString: csrPem });
  const answer = parseProvisioningPackage(detail, where);
  checkCertificateIsForKey(answer.certPem, keyPem, where);
  return { ...answer, keyPem, csrPem };
}

/** The CA bundle the server hands out now (`createClientCaBundle`). */
export async function fetchCaBundle(server: ManagementServer): Promise<string> {
  return parseCaBundle(await runManagementCommand(server, ManagementCommand.caBundle), commandUrl(server, ManagementCommand.caBundle));
}

/** The brokers the server knows now (`getBrokerList`). */
export async function fetchBrokerList(server: ManagementServer): Promise<BrokerList> {
  return parseBrokerList(
    await runManagementCommand(server, ManagementCommand.brokerList),
    commandUrl(server, ManagementCommand.brokerList),
  );
}

/** The CA bundle and the broker list, for updating a configuration; fails if no broker is listed. */
export async function fetchBrokerUpdate(server: ManagementServer): Promise<BrokerUpdate> {
  const caBundlePem = await fetchCaBundle(server);
  const list = await fetchBrokerList(server);
  if (list.brokers.length === 0 && list.webSocketBrokers.length === 0) {
    throw new ProvisionError(
      ProvisionErrorCode.BadResponse,
      `${commandUrl(server, ManagementCommand.brokerList)}: the server lists no broker`,
    );
  }
  return { caBundlePem, ...list };
}

/**
 * DxlClient options for a provisioned client: MQTT over TLS to its brokers, or WebSockets when
 * asked (or when the server listed only WebSocket brokers).
 */
export function provisionedClientOptions(client: ProvisionedClient, options: { webSockets?: boolean } = {}): DxlClientOptions {
  const webSockets = options.webSockets ?? client.brokers.length === 0;
  const brokers = webSockets ? client.webSocketBrokers : client.brokers;
  if (brokers.length === 0) {
    throw new ProvisionError(ProvisionErrorCode.InvalidArgument, `The server listed no ${webSockets ? 'WebSocket' : 'MQTT'} broker`);
  }
  return { brokers, ca: client.caBundlePem, cert: client.certPem, key: client.keyPem, webSockets };
}
