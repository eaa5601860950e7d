/**
 * What the connection supervisor saw of each broker (state and since when, the last failure and
 * its cause, connections made) and how often the connection came back: for diagnostics. Written
 * on connection events only, never per message.
 */

export type BrokerStatus = 'trying' | 'connected' | 'failed' | 'lost';

export interface BrokerFailure {
  reason: string;
  cause: string;
  /** Wall-clock time (ms since the epoch) it happened. */
  at: number;
}

export interface BrokerRecord {
  /** `host:port`. */
  broker: string;
  status: BrokerStatus;
  /** Wall-clock time (ms since the epoch) of the status. */
  since: number;
  lastFailure?: BrokerFailure;
  /** Connections made to it. */
  connections: number;
}

export interface BrokerLogSnapshot {
  brokers: BrokerRecord[];
  /** Connections made after the first one (after a loss, a failover or a restart). */
  reconnects: number;
  /** Wall-clock time of the connection in use, if any. */
  connectedSince?: number;
}

export class BrokerLog {
  private readonly records = new Map<string, BrokerRecord>();
  private connections = 0;
  private connectedSince: number | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  trying(broker: string): void {
    this.set(broker, 'trying');
  }

  failed(broker: string, failure: { reason: string; cause: string }): void {
    this.set(broker, 'failed').lastFailure = { ...failure, at: this.now() };
  }

  connected(broker: string): void {
    const record = this.set(broker, 'connected');
    record.connections++;
    this.connections++;
    this.connectedSince = record.since;
  }

  /** The connection to `broker` ended; `failure` when it ended with an error rather than by our choice. */
  lost(broker: string, failure?: { reason: string; cause: string }): void {
    const record = this.set(broker, 'lost');
    if (failure) record.lastFailure = { ...failure, at: record.since };
    this.connectedSince = undefined;
  }

  snapshot(): BrokerLogSnapshot {
    const snapshot: BrokerLogSnapshot = {
      brokers: [...this.records.values()].map((record) => ({
        ...record,
        ...(record.lastFailure ? { lastFailure: { ...record.lastFailure } } : {}),
      })),
      reconnects: Math.max(0, this.connections - 1),
    };
    if (this.connectedSince !== undefined) snapshot.connectedSince = this.connectedSince;
    return snapshot;
  }

  private set(broker: string, status: BrokerStatus): BrokerRecord {
    let record = this.records.get(broker);
    if (record === undefined) {
      record = { broker, status, since: this.now(), connections: 0 };
      this.records.set(broker, record);
    } else if (record.status !== status) {
      record.status = status;
      record.since = this.now();
    }
    return record;
  }
}
