/** Where the client's connection stands, with a reason a person can act on. */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface ConnectionState {
  status: ConnectionStatus;
  /** `host:port` of the broker in use or being tried. */
  broker?: string;
  /** Why the client is not connected (or what it is doing), e.g. "TLS: broker certificate not trusted (SELF_SIGNED_CERT_IN_CHAIN)". */
  reason?: string;
  /** A stable machine-readable cause: an OpenSSL/Node error code such as CERT_HAS_EXPIRED, or ECONNREFUSED. */
  cause?: string;
  /** Milliseconds until the next attempt, while reconnecting. */
  retryInMs?: number;
}

/** The causes this layer names itself; the others are OpenSSL and Node.js codes. Each has its entry in `CAUSES`. */
export const ConnectionCause = {
  /** The broker ended an attempt without a TLS or network error (e.g. it refused our client certificate). */
  BrokerClosed: 'BROKER_CLOSED',
  /** A connection that was up ended without an error. */
  Closed: 'CLOSED',
  /** `DxlClient.reconfigure`: reconnecting with new options. */
  ConfigChanged: 'CONFIG_CHANGED',
  /** No CONNACK within the connect timeout. */
  ConnectTimeout: 'CONNECT_TIMEOUT',
  /** The server's answer to CONNECT was not MQTT. */
  NotMqtt: 'NOT_MQTT',
  /** An error with no code this layer or Node.js gives. */
  Unknown: 'UNKNOWN',
} as const;

/** The kinds of connection failure a status line can name in a few words. */
export const CONNECTION_CAUSE_KINDS = [
  'certExpired',
  'certNotYetValid',
  'configChanged',
  'clientCertExpired',
  'clientCertRejected',
  'clientCertRequired',
  'dnsFailure',
  'handshakeFailed',
  'hostNameMismatch',
  'hostNotFound',
  'keyMismatch',
  'lost',
  'notPem',
  'notTlsPort',
  'notMqtt',
  'refused',
  'refusedByBroker',
  'reset',
  'unreachable',
  'untrustedCa',
] as const;
export type ConnectionCauseKind = (typeof CONNECTION_CAUSE_KINDS)[number];

interface CauseEntry {
  /** What a person reads in the log: the full reason. */
  reason: string;
  kind: ConnectionCauseKind;
  /** Shown as "TLS: <reason>". */
  tls?: true;
}

/** Every cause of a failed connection this layer names: one table for the log's reasons and the statuses' kinds. */
const CAUSES: Readonly<Record<string, CauseEntry>> = {
  SELF_SIGNED_CERT_IN_CHAIN: {
    reason: 'broker certificate not trusted: its chain does not end at the configured CA bundle',
    kind: 'untrustedCa',
    tls: true,
  },
  DEPTH_ZERO_SELF_SIGNED_CERT: { reason: 'broker certificate is self-signed and not in the CA bundle', kind: 'untrustedCa', tls: true },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: {
    reason: 'broker certificate not trusted: issuer not in the CA bundle',
    kind: 'untrustedCa',
    tls: true,
  },
  UNABLE_TO_GET_ISSUER_CERT: { reason: 'broker certificate not trusted: issuer not in the CA bundle', kind: 'untrustedCa', tls: true },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: {
    reason: 'broker certificate not trusted: issuer not in the CA bundle',
    kind: 'untrustedCa',
    tls: true,
  },
  CERT_SIGNATURE_FAILURE: {
    reason: 'broker certificate not trusted: its signature does not verify with the CA bundle (a different CA of the same name?)',
    kind: 'untrustedCa',
    tls: true,
  },
  CERT_HAS_EXPIRED: { reason: 'broker certificate has expired', kind: 'certExpired', tls: true },
  CERT_NOT_YET_VALID: { reason: 'broker certificate is not yet valid', kind: 'certNotYetValid', tls: true },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    reason: 'broker certificate does not name this host (turn host-name checking off for DXL brokers)',
    kind: 'hostNameMismatch',
    tls: true,
  },
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: {
    reason: 'broker rejected our client certificate: issued by a CA it does not trust',
    kind: 'clientCertRejected',
    tls: true,
  },
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: {
    reason: 'broker rejected our client certificate: it has expired',
    kind: 'clientCertExpired',
    tls: true,
  },
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: { reason: 'broker rejected our client certificate', kind: 'clientCertRejected', tls: true },
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: { reason: 'broker requires a client certificate', kind: 'clientCertRequired', tls: true },
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: {
    reason: 'TLS handshake failed (no common protocol or cipher, or client certificate missing)',
    kind: 'handshakeFailed',
    tls: true,
  },
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: {
    reason: 'broker rejected our client certificate: the key does not match it',
    kind: 'keyMismatch',
    tls: true,
  },
  ERR_OSSL_X509_KEY_VALUES_MISMATCH: { reason: 'private key does not match the client certificate', kind: 'keyMismatch', tls: true },
  ERR_SSL_KEY_VALUES_MISMATCH: { reason: 'private key does not match the client certificate', kind: 'keyMismatch', tls: true },
  ERR_OSSL_PEM_NO_START_LINE: { reason: 'a certificate or key is not PEM (no BEGIN line)', kind: 'notPem', tls: true },
  ERR_SSL_WRONG_VERSION_NUMBER: { reason: 'not a TLS port (is it plain MQTT?)', kind: 'notTlsPort', tls: true },
  ECONNREFUSED: { reason: 'connection refused: nothing listens on that port', kind: 'refused' },
  ECONNRESET: { reason: 'connection reset by the broker or the network', kind: 'reset' },
  EPIPE: { reason: 'connection reset by the broker or the network', kind: 'reset' },
  ENOTFOUND: { reason: 'host name not found', kind: 'hostNotFound' },
  EAI_AGAIN: { reason: 'host name lookup failed (DNS)', kind: 'dnsFailure' },
  ETIMEDOUT: { reason: 'unreachable: connection timed out', kind: 'unreachable' },
  EHOSTUNREACH: { reason: 'unreachable: no route to host', kind: 'unreachable' },
  ENETUNREACH: { reason: 'unreachable: network is down', kind: 'unreachable' },
  [ConnectionCause.BrokerClosed]: {
    reason: 'the broker closed the connection before accepting it (does it trust our client certificate?)',
    kind: 'refusedByBroker',
  },
  [ConnectionCause.NotMqtt]: { reason: 'not an MQTT broker (an HTTPS or other TLS port?)', kind: 'notMqtt' },
  [ConnectionCause.ConnectTimeout]: { reason: 'unreachable: no answer to MQTT CONNECT in time', kind: 'unreachable' },
  [ConnectionCause.Closed]: { reason: 'the connection closed', kind: 'lost' },
  [ConnectionCause.ConfigChanged]: { reason: 'the configuration changed', kind: 'configChanged' },
};

/** The kind of a connection cause, for a short status text; undefined for a cause this layer does not name. */
export function connectionCauseKind(cause: string): ConnectionCauseKind | undefined {
  return Object.hasOwn(CAUSES, cause) ? CAUSES[cause].kind : undefined;
}

/** TLS codes of OpenSSL and Node.js that the table does not name, by their prefixes. */
const TLS_CODE_RE = /^(ERR_SSL|ERR_TLS|ERR_OSSL|CERT_|UNABLE_|SELF_|DEPTH_)/;

/** Whether a cause is a TLS failure: one the table marks so, or a TLS code it does not name. */
export function isTlsFailure(cause: string): boolean {
  return Object.hasOwn(CAUSES, cause) ? CAUSES[cause].tls === true : TLS_CODE_RE.test(cause);
}

/** A reset while connecting comes before the broker accepted us: it may be refusing our certificate. */
const HANDSHAKE_REASONS: Record<string, string> = {
  ECONNRESET: 'connection reset by the broker (it may have rejected our client certificate)',
  EPIPE: 'connection reset by the broker (it may have rejected our client certificate)',
};

/**
 * Names the error that ended a connection attempt (`connecting`, the default) or a connection that
 * was up (`connected`) for a status line.
 */
export function describeConnectionError(
  error: unknown,
  phase: 'connecting' | 'connected' = 'connecting',
): { reason: string; cause: string } {
  const err = error as (Error & { code?: string | number }) | undefined;
  const code = typeof err?.code === 'string' ? err.code : '';
  const entry = Object.hasOwn(CAUSES, code) ? CAUSES[code] : undefined;
  if (entry?.tls) return { reason: `TLS: ${entry.reason} (${code})`, cause: code };
  const network = (phase === 'connecting' ? HANDSHAKE_REASONS[code] : undefined) ?? entry?.reason;
  if (network) return { reason: `${network} (${code})`, cause: code };
  const message = err?.message ?? String(error);
  if (/alert unknown ca/i.test(message))
    return { reason: `TLS: ${CAUSES.ERR_SSL_TLSV1_ALERT_UNKNOWN_CA.reason}`, cause: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' };
  if (/certificate required|peer did not return a certificate/i.test(message)) {
    return {
      reason: `TLS: ${CAUSES.ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED.reason}`,
      cause: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    };
  }
  return { reason: code ? `${message} (${code})` : message, cause: code || ConnectionCause.Unknown };
}
