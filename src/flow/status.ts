/**
 * Node status objects ({fill, shape, text}) from the shared connection's state and a node's own
 * activity. Texts are short; the three common states use Node-RED's shared message keys, which
 * the editor translates. The full reason of a failure goes to the log, not here.
 */
import { CLIENT_CERT_EXPIRED, CLIENT_CERT_NOT_YET_VALID } from '../dxl/client-certificate';
import { BROKER_CLOSED, type ConnectionState } from '../dxl/connection-state';
import { errorStatusLabel } from './errors';

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export const StatusText = {
  connected: 'node-red:common.status.connected',
  connecting: 'node-red:common.status.connecting',
  disconnected: 'node-red:common.status.disconnected',
} as const;

/** The cause a SharedConnection gives when the config node's settings cannot make a client. */
export const CONFIG_ERROR_CAUSE = 'CONFIG';

const SHORT_CAUSES: Readonly<Record<string, string>> = {
  [CONFIG_ERROR_CAUSE]: 'config error',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS: untrusted CA',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS: untrusted CA',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS: untrusted CA',
  UNABLE_TO_GET_ISSUER_CERT: 'TLS: untrusted CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS: untrusted CA',
  CERT_SIGNATURE_FAILURE: 'TLS: untrusted CA',
  CERT_HAS_EXPIRED: 'TLS: cert expired',
  CERT_NOT_YET_VALID: 'TLS: cert not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS: host name mismatch',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'TLS: client cert rejected',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'TLS: client cert expired',
  [CLIENT_CERT_EXPIRED]: 'TLS: client cert expired',
  [CLIENT_CERT_NOT_YET_VALID]: 'TLS: client cert not valid yet',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'TLS: client cert rejected',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'TLS: client cert required',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'TLS: handshake failed',
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: 'TLS: key mismatch',
  ERR_OSSL_X509_KEY_VALUES_MISMATCH: 'TLS: key mismatch',
  ERR_SSL_KEY_VALUES_MISMATCH: 'TLS: key mismatch',
  ERR_OSSL_PEM_NO_START_LINE: 'TLS: not PEM',
  ERR_SSL_WRONG_VERSION_NUMBER: 'not a TLS port',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS failure',
  ETIMEDOUT: 'unreachable',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  CONNECT_TIMEOUT: 'unreachable',
  CLOSED: 'connection lost',
  [BROKER_CLOSED]: 'refused by broker',
};

/** A few words for a connection failure's cause (an OpenSSL/Node code or one of ours). */
export function shortCause(cause: string | undefined): string {
  if (cause === undefined) return 'disconnected';
  const known = SHORT_CAUSES[cause];
  if (known !== undefined) return known;
  if (cause.startsWith('ERR_SSL') || cause.startsWith('ERR_TLS')) return 'TLS error';
  return 'cannot connect';
}

function isSetupProblem(state: ConnectionState): boolean {
  const cause = state.cause ?? '';
  return (
    cause === CONFIG_ERROR_CAUSE ||
    cause === BROKER_CLOSED ||
    /^(ERR_|CERT_|UNABLE_|SELF_|DEPTH_|CLIENT_CERT_)/.test(cause)
  );
}

/** The status every node shows for the shared connection; `undefined` means no connection at all yet. */
export function connectionStatus(state: ConnectionState | undefined): NodeStatus {
  if (state === undefined || state.status === 'idle') return { fill: 'grey', shape: 'ring', text: 'idle' };
  switch (state.status) {
    case 'connected':
      return { fill: 'green', shape: 'dot', text: StatusText.connected };
    case 'connecting':
    case 'reconnecting':
      if (state.cause !== undefined) {
        // A failed attempt: red when the setup is wrong (TLS, config), yellow when the network may come back.
        return { fill: isSetupProblem(state) ? 'red' : 'yellow', shape: 'ring', text: shortCause(state.cause) };
      }
      return { fill: 'yellow', shape: 'ring', text: state.broker ? `connecting ${state.broker}` : StatusText.connecting };
    case 'closed':
      if (state.cause === CONFIG_ERROR_CAUSE) return { fill: 'red', shape: 'ring', text: shortCause(state.cause) };
      return { fill: 'red', shape: 'ring', text: StatusText.disconnected };
  }
}

export const NO_CONFIG_STATUS: NodeStatus = { fill: 'red', shape: 'ring', text: 'no config' };

/** What a request node is doing, folded into its status while connected. */
export class RequestActivity {
  private inFlight = 0;
  private batch: { settled: number; total: number } | undefined;
  private lastError: string | undefined;
  private lastNote: string | undefined;

  started(): void {
    this.inFlight++;
  }

  progress(settled: number, total: number): void {
    this.batch = { settled, total };
  }

  /** A message ended; `sent` is false when it was refused before anything was sent (it never started). */
  finished(outcome: { errorCode?: string; note?: string }, sent = true): void {
    if (sent) this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.inFlight === 0) this.batch = undefined;
    this.lastError = outcome.errorCode;
    this.lastNote = outcome.errorCode === undefined ? outcome.note : undefined;
  }

  status(connection: ConnectionState | undefined): NodeStatus {
    const base = connectionStatus(connection);
    if (this.inFlight > 0) {
      const text = this.batch ? `batch ${this.batch.settled}/${this.batch.total}` : `requesting (${this.inFlight})`;
      return connection?.status === 'connected' ? { fill: 'blue', shape: 'dot', text } : { ...base, text: `${text}: waiting` };
    }
    if (connection?.status !== 'connected') return base;
    if (this.lastError !== undefined) return { fill: 'red', shape: 'dot', text: errorStatusLabel(this.lastError) };
    if (this.lastNote !== undefined) return { fill: 'green', shape: 'ring', text: this.lastNote };
    return base;
  }
}

/** What an event node has received, folded into its status while connected. */
export class EventActivity {
  private subscribed = false;
  private count = 0;
  private failure: string | undefined;

  subscribing(): void {
    this.subscribed = false;
    this.failure = undefined;
  }

  subscribedNow(): void {
    this.subscribed = true;
  }

  failed(code: string): void {
    this.failure = code;
  }

  received(): void {
    this.count++;
  }

  status(connection: ConnectionState | undefined): NodeStatus {
    if (this.failure !== undefined) return { fill: 'red', shape: 'ring', text: errorStatusLabel(this.failure) };
    const base = connectionStatus(connection);
    if (connection?.status !== 'connected') return base;
    if (!this.subscribed) return { fill: 'yellow', shape: 'dot', text: 'subscribing' };
    if (this.count === 0) return base;
    return { fill: 'green', shape: 'dot', text: `${this.count} event${this.count === 1 ? '' : 's'}` };
  }
}
