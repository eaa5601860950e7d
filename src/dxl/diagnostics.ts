/**
 * A DXL client's diagnostics: the connection (state and since when, each broker's state, last
 * failure, connections made, reconnects, the last round trip), requests (in flight, answered,
 * timed out, failed by code), events received per subscribed topic, and messages refused. A
 * snapshot made when asked for; the counters behind it are plain integers bumped on the message
 * path.
 */
import type { BrokerRecord } from './broker-log';
import type { ConnectionState } from './connection-state';

export interface RequestCounts {
  /** Sent and waiting for an answer. */
  inFlight: number;
  /** Waiting for a connection to be sent. */
  waiting: number;
  answered: number;
  timedOut: number;
  /** Failed otherwise (an ErrorResponse, a lost or missing connection), by our error code. */
  failed: Record<string, number>;
}

export interface ClientDiagnostics {
  clientId: string;
  state: ConnectionState;
  /** Wall-clock time (ms since the epoch) of the last change of status. */
  stateSince: number;
  /** Wall-clock time of the connection in use, if any. */
  connectedSince?: number;
  brokers: BrokerRecord[];
  reconnects: number;
  /** The last round trip of a broker registry query, in ms, with its wall-clock time. */
  roundTrip?: { ms: number; at: number };
  requests: RequestCounts;
  /** Events (and service requests) received, by the DXL topic they were subscribed with. */
  received: Record<string, number>;
  /** Messages refused on arrival (client.stats, wire-refusals.ts): over the size limit, not DXL, requests whose reply topic cannot be answered. */
  refused: { oversized: number; malformed: number; unanswerable: number };
  /** Responses that could not be sent. */
  unsentResponses: number;
}
