/**
 * Who may send TIE events: any client (the OpenDXL default), or only the clients behind the TIE
 * service instances the fabric's registry lists, plus an allow-list. The broker stamps each
 * message's `sourceClientId` (the sender's certificate thumbprint) and `sourceClientInstanceId`,
 * so a peer cannot claim another's identity; the registry names the clients of the TIE service.
 * The registry is read when the first event arrives, again when an unknown sender is seen (at
 * most every `refreshMs`), and events from unknown senders wait for that read in a bounded queue.
 */
import type { DxlMessaging } from '../dxl/api';
import { parseJsonPayload, type DxlMessage } from '../dxl/message';

/** The DXL service type the TIE server registers. */
export const TIE_SERVICE_TYPE = '/mcafee/service/tie';
const SERVICE_QUERY_TOPIC = '/mcafee/service/dxl/svcregistry/query';

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The client ids of the service entries of a registry query answer; malformed entries are skipped. */
export function serviceClientIds(answer: unknown): Set<string> {
  const ids = new Set<string>();
  const services = isRecord(answer) ? answer.services : undefined;
  if (!isRecord(services)) return ids;
  for (const entry of Object.values(services)) {
    if (!isRecord(entry) || entry.serviceType !== TIE_SERVICE_TYPE) continue;
    for (const key of ['clientGuid', 'clientInstanceGuid'] as const) {
      const id = entry[key];
      if (typeof id === 'string' && id !== '') ids.add(id);
    }
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
    this.reading ??= this.dxl
      .request(SERVICE_QUERY_TOPIC, JSON.stringify({ serviceType: TIE_SERVICE_TYPE }))
      .then(
        (answer) => {
          this.registered = serviceClientIds(parseJsonPayload(answer.payload));
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
