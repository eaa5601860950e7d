/*
 * The three management commands of ePO / the OpenDXL console that DXL clients use to provision
 * themselves, answered for this fabric: its CA signs the client's CSR, and its own listeners are
 * the broker list.
 */
import net from 'node:net';
import { CsrRejected, signClientRequest } from './csr-signer';
import { logValue } from './log-text';
import type { KeyPairPem } from './pki';

export const PROVISION_COMMAND = 'DxlBrokerMgmt.generateOpenDXLClientProvisioningPackageCmd';
export const CA_BUNDLE_COMMAND = 'DxlClientMgmt.createClientCaBundle';
export const BROKER_LIST_COMMAND = 'DxlClientMgmt.getBrokerList';

/** Where the fabric's brokers listen right now. */
export interface FabricEndpoints {
  brokerId: string;
  /** Host or address clients connect to. */
  host: string;
  port: number;
  webSocketPort?: number;
}

export interface ManagementContext {
  ca: KeyPairPem;
  endpoints(): FabricEndpoints;
  log(line: string): void;
}

/** An answer: OK with its JSON detail, or an error with a number and a reason. */
export type CommandAnswer = { ok: true; detail: unknown } | { ok: false; errorNumber: number; message: string };

/** Error numbers in the management service's "Error <n>:" answers. */
export const ManagementErrorNumber = { unknownCommand: 1, invalidParameter: 2 } as const;

interface BrokerRecord {
  guid: string;
  hostName: string;
  ipAddress: string;
  port: number;
}

function brokerRecord(endpoints: FabricEndpoints, port: number): BrokerRecord {
  const ipAddress = net.isIP(endpoints.host) ? endpoints.host : '127.0.0.1';
  return { guid: endpoints.brokerId, hostName: endpoints.host, ipAddress, port };
}

function brokerRecords(endpoints: FabricEndpoints): { brokers: BrokerRecord[]; webSocketBrokers: BrokerRecord[] } {
  return {
    brokers: [brokerRecord(endpoints, endpoints.port)],
    webSocketBrokers: endpoints.webSocketPort === undefined ? [] : [brokerRecord(endpoints, endpoints.webSocketPort)],
  };
}

/** `guid=guid;port;hostName;ipAddress`, one per broker, CR/LF separated. */
function brokerLines(records: BrokerRecord[]): string {
  return records.map((b) => `${b.guid}=${b.guid};${b.port};${b.hostName};${b.ipAddress}`).join('\r\n');
}

function provision(query: URLSearchParams, context: ManagementContext): CommandAnswer {
  const csr = query.get('csrString');
  if (csr === null || csr.trim() === '')
    return { ok: false, errorNumber: ManagementErrorNumber.invalidParameter, message: 'Missing parameter csrString' };
  try {
    const signed = signClientRequest(context.ca, csr);
    const { brokers, webSocketBrokers } = brokerRecords(context.endpoints());
    const parts = [context.ca.certPem, signed.certPem, brokerLines(brokers)];
    if (webSocketBrokers.length > 0) parts.push(brokerLines(webSocketBrokers));
    context.log(`management: signed a client certificate for CN=${logValue(signed.commonName)}`);
    return { ok: true, detail: parts.join(',') };
  } catch (error) {
    if (!(error instanceof CsrRejected)) throw error;
    context.log(`management: refused a certificate signing request: ${logValue(error.message)}`);
    return {
      ok: false,
      errorNumber: ManagementErrorNumber.invalidParameter,
      message: `Invalid certificate signing request: ${error.message}`,
    };
  }
}

export function answerManagementCommand(command: string, query: URLSearchParams, context: ManagementContext): CommandAnswer {
  switch (command) {
    case PROVISION_COMMAND:
      return provision(query, context);
    case CA_BUNDLE_COMMAND:
      return { ok: true, detail: context.ca.certPem };
    case BROKER_LIST_COMMAND:
      // The detail is a JSON string whose content is itself JSON, as the real service sends it.
      return { ok: true, detail: JSON.stringify({ ...brokerRecords(context.endpoints()), certVersion: 0 }) };
    default:
      return { ok: false, errorNumber: ManagementErrorNumber.unknownCommand, message: `Unknown command: ${command}` };
  }
}
