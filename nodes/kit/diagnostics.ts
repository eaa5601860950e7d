/**
 * A tie-config's diagnostics, as its editor, its admin endpoint and tie-status nodes give them:
 * the DXL client's (connection, brokers, requests, events, refused messages) with the TIE client's
 * (cache hits and misses, events from untrusted senders), or only the state when no connection is
 * open. Made when asked for; nothing here runs per message.
 */
import type { DxlClient } from '../../src/dxl/client';
import type { ConnectionState } from '../../src/dxl/connection-state';
import type { ClientDiagnostics } from '../../src/dxl/diagnostics';
import type { TieClient } from '../../src/tie/client';
import type { EventSenderCounts } from '../../src/tie/event-senders';

export interface TieConfigDiagnostics {
  /** Wall-clock time (ms since the epoch) the snapshot was made. */
  at: number;
  state: ConnectionState;
  /** Nodes using the connection. */
  users: number;
  /** The DXL client's, while a connection is open. */
  dxl?: ClientDiagnostics;
  /** With the reputation cache on. */
  cache?: { hits: number; misses: number; entries: number };
  /** With events accepted only from trusted senders. */
  eventSenders?: EventSenderCounts;
}

export function configDiagnostics(
  state: ConnectionState,
  users: number,
  clients: { client: DxlClient; tie: TieClient } | undefined,
): TieConfigDiagnostics {
  const diagnostics: TieConfigDiagnostics = { at: Date.now(), state: { ...state }, users };
  if (clients === undefined) return diagnostics;
  diagnostics.dxl = clients.client.diagnostics();
  const cache = clients.tie.cache;
  if (cache !== undefined) diagnostics.cache = { hits: cache.hits, misses: cache.misses, entries: cache.size };
  const senders = clients.tie.eventSenders;
  if (senders !== undefined) diagnostics.eventSenders = { ...senders.counts };
  return diagnostics;
}
