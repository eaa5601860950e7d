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

/** Cause of an attempt the broker ended without a TLS or network error (e.g. it refused our client certificate). */
export const BROKER_CLOSED = 'BROKER_CLOSED';

const TLS_REASONS: Record<string, string> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'broker certificate not trusted: its chain does not end at the configured CA bundle',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'broker certificate is self-signed and not in the CA bundle',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'broker certificate not trusted: issuer not in the CA bundle',
  UNABLE_TO_GET_ISSUER_CERT: 'broker certificate not trusted: issuer not in the CA bundle',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'broker certificate not trusted: issuer not in the CA bundle',
  CERT_SIGNATURE_FAILURE: 'broker certificate not trusted: its signature does not verify with the CA bundle (a different CA of the same name?)',
  CERT_HAS_EXPIRED: 'broker certificate has expired',
  CERT_NOT_YET_VALID: 'broker certificate is not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'broker certificate does not name this host (turn host-name checking off for DXL brokers)',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'broker rejected our client certificate: issued by a CA it does not trust',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'broker rejected our client certificate: it has expired',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'broker rejected our client certificate',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'broker requires a client certificate',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'TLS handshake failed (no common protocol or cipher, or client certificate missing)',
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: 'broker rejected our client certificate: the key does not match it',
  ERR_OSSL_X509_KEY_VALUES_MISMATCH: 'private key does not match the client certificate',
  ERR_SSL_KEY_VALUES_MISMATCH: 'private key does not match the client certificate',
  ERR_OSSL_PEM_NO_START_LINE: 'a certificate or key is not PEM (no BEGIN line)',
  ERR_SSL_WRONG_VERSION_NUMBER: 'not a TLS port (is it plain MQTT?)',
};

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing listens on that port',
  ECONNRESET: 'connection reset by the broker or the network',
  EPIPE: 'connection reset by the broker or the network',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (DNS)',
  ETIMEDOUT: 'unreachable: connection timed out',
  EHOSTUNREACH: 'unreachable: no route to host',
  ENETUNREACH: 'unreachable: network is down',
  BROKER_CLOSED: 'the broker closed the connection before accepting it (does it trust our client certificate?)',
};

/** A reset while connecting comes before the broker accepted us: it may be refusing our certificate. */
const HANDSHAKE_REASONS: Record<string, string> = {
  ECONNRESET: 'connection reset by the broker (it may have rejected our client certificate)',
  EPIPE: 'connection reset by the broker (it may have rejected our client certificate)',
};

/**
 * Names the error that ended a connection attempt (`connecting`, the default) or a connection that
 * was up (`connected`) for a status line.
 */
export function describeConnectionError(error: unknown, phase: 'connecting' | 'connected' = 'connecting'): { reason: string; cause: string } {
  const err = error as (Error & { code?: string | number }) | undefined;
  const code = typeof err?.code === 'string' ? err.code : '';
  const tls = TLS_REASONS[code];
  if (tls) return { reason: `TLS: ${tls} (${code})`, cause: code };
  const net = (phase === 'connecting' ? HANDSHAKE_REASONS[code] : undefined) ?? NETWORK_REASONS[code];
  if (net) return { reason: `${net} (${code})`, cause: code };
  const message = err?.message ?? String(error);
  if (/connack timeout|connect timeout/i.test(message)) return { reason: 'unreachable: no answer to MQTT CONNECT in time', cause: 'CONNECT_TIMEOUT' };
  if (/alert unknown ca/i.test(message)) return { reason: `TLS: ${TLS_REASONS.ERR_SSL_TLSV1_ALERT_UNKNOWN_CA}`, cause: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' };
  if (/certificate required|peer did not return a certificate/i.test(message)) {
    return { reason: `TLS: ${TLS_REASONS.ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED}`, cause: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' };
  }
  return { reason: code ? `${message} (${code})` : message, cause: code || 'UNKNOWN' };
}
