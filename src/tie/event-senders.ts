/**
 * Who may send TIE events: any client (the OpenDXL default), or only the clients behind the TIE
 * service instances the fabric's registry lists, plus an allow-list. The broker stamps each
 * message's `sourceClientId` (the sender's certificate thumbprint) and `sourceClientInstanceId`,
 * so a peer cannot claim another's identity; the registry names the clients of the TIE service.
 * The registry is read when the first event arrives, again when an unknown sender is seen (at
 * most every `refreshMs`), and events from unknown senders wait for that read in a bounded queue.
 */
import type { DxlMessaging } from '../dxl/api';
import type { DxlMessage } from '../dxl/message';
import { type ServiceEntry, queryServices } from '../dxl/registry';

/** The DXL service type the TIE server registers. */
export const TIE_SERVICE_TYPE = '/mcafee/service/tie';

export interface EventSenderRule {
  /** Accept events only from the clients of registered TIE service instances (and `allowedClientIds`). */
  onlyTieServices: boolean;
  /** Client ids (certificate thumbprints or instance ids) accepted whatever the registry says. */
  allowedClientIds?: readonly string[];
  /** Least time between two reads of the registry caused by unknown senders. Default 10 s. */
  refreshMs?: number;
  /** Events from unknown senders that may wait for a registry read; more are dropped. Default 256. */
  maxWaiting?: number;
}

export interface EventSenderCounts {
  /** Events dropped because their sender is not trusted. */
  untrusted: number;
  /** Reads of the service registry, and how many of them failed. */
  registryReads: number;
  registryFailures: number;
}

const DEFAULT_REFRESH_MS = 10_000;
const DEFAULT_MAX_WAITING = 256;

/** The client ids of the TIE service's registered instances. */
export function serviceClientIds(services: readonly ServiceEntry[]): Set<string> {
  const ids = new Set<string>();
  for (const entry of services) {
    if (entry.serviceType !== TIE_SERVICE_TYPE) continue;
    if (entry.clientGuid !== undefined) ids.add(entry.clientGuid);
    if (entry.clientInstanceGuid !== undefined) ids.add(entry.clientInstanceGuid);
  }
  return ids;
}

export class EventSenders {
  readonly counts: EventSenderCounts = { untrusted: 0, registryReads: 0, registryFailures: 0 };
  private readonly allowed: ReadonlySet<string>;
  private registered = new Set<string>();
  private lastRead = -Infinity;
  private reading: Promise<void> | undefined;
  private waiting = 0;
  private readonly refreshMs: number;
  private readonly maxWaiting: number;

  constructor(
    private readonly dxl: DxlMessaging,
    rule: EventSenderRule,
  ) {
    this.allowed = new Set(rule.allowedClientIds ?? []);
    this.refreshMs = rule.refreshMs ?? DEFAULT_REFRESH_MS;
    this.maxWaiting = rule.maxWaiting ?? DEFAULT_MAX_WAITING;
  }

  /** Whether `message` comes from a trusted sender: at once when known, else after a registry read. */
  judge(message: DxlMessage): boolean | Promise<boolean> {
    if (this.isKnown(message)) return true;
    if (this.reading === undefined && Date.now() - this.lastRead < this.refreshMs) return this.untrusted();
    if (this.waiting >= this.maxWaiting) return this.untrusted();
    this.waiting++;
    return this.readRegistry().then(() => {
      this.waiting--;
      return this.isKnown(message) || this.untrusted();
    });
  }

  private isKnown(message: DxlMessage): boolean {
    const { sourceClientId, sourceClientInstanceId } = message;
    return (
      this.allowed.has(sourceClientId) ||
      this.registered.has(sourceClientId) ||
      (sourceClientInstanceId !== '' && (this.allowed.has(sourceClientInstanceId) || this.registered.has(sourceClientInstanceId)))
    );
  }

  private untrusted(): false {
    this.counts.untrusted++;
    return false;
  }

  private readRegistry(): Promise<void> {
    this.reading ??= queryServices(this.dxl, { serviceType: TIE_SERVICE_TYPE })
      .then(
        (services) => {
          this.registered = serviceClientIds(services);
        },
        () => {
          // The registry did not answer (no fabric service, a plain MQTT broker): the known senders stay.
          this.counts.registryFailures++;
        },
      )
      .catch(() => {
        this.counts.registryFailures++;
      })
      .finally(() => {
        this.counts.registryReads++;
        this.lastRead = Date.now();
        this.reading = undefined;
      });
    return this.reading;
  }
}
