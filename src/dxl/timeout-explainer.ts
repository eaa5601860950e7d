/**
 * Why a request got no answer. The OpenDXL broker drops a publish its topic authorization refuses
 * without a word, so the requester sees a timeout; but when the fabric's service registry lists a
 * service for the topic, silence most likely is that refusal. This keeps a view of the registry
 * (read when a connection is made and again after a timeout, at most every `maxAgeMs`) and words
 * the timeout from it, at once, without another round trip. The code stays DXL_TIMEOUT: the
 * registry makes the refusal likely, not certain (a hung service looks the same).
 */
import type { DxlMessaging } from './api';
import { DxlError, DxlErrorCode } from './errors';
import { type ServiceEntry, queryServices, servicesForTopic } from './registry';

const BROKER_SERVICE_PREFIX = '/mcafee/service/dxl/';
const DEFAULT_MAX_AGE_MS = 30_000;
const QUERY_TIMEOUT_MS = 5000;

export interface TimeoutExplainerOptions {
  /** The name of the permission (e.g. the ePO group) that controls sending on a topic, if known. */
  authorizationGroup?: (topic: string) => string | undefined;
  /** Least time between two reads caused by timeouts. Default 30 s. */
  maxAgeMs?: number;
}

export class TimeoutExplainer {
  private services: ServiceEntry[] | undefined;
  private readAt = -Infinity;
  private reading = false;

  constructor(
    private readonly dxl: DxlMessaging,
    private readonly options: TimeoutExplainerOptions = {},
  ) {}

  /** Reads the registry now (a connection was made), unless a read is under way. */
  refresh(): void {
    if (this.reading) return;
    this.reading = true;
    queryServices(this.dxl, {}, QUERY_TIMEOUT_MS).then(
      (services) => {
        this.services = services;
        this.done();
      },
      () => this.done(),
    );
  }

  /** The timeout of a request on `topic` that waited `timeoutMs`, with what the registry says of it. */
  timeoutError(topic: string, timeoutMs: number): DxlError {
    const base = `No response to the request on ${topic} within ${timeoutMs} ms`;
    if (topic.startsWith(BROKER_SERVICE_PREFIX)) return new DxlError(DxlErrorCode.Timeout, base, { topic });
    const known = this.services;
    if (performance.now() - this.readAt > (this.options.maxAgeMs ?? DEFAULT_MAX_AGE_MS)) this.refresh();
    const registered = known === undefined ? [] : servicesForTopic(known, topic);
    if (registered.length === 0) return new DxlError(DxlErrorCode.Timeout, base, { topic });
    const group = this.options.authorizationGroup?.(topic);
    const who = group === undefined ? '' : ` (its ePO topic authorization group: "${group}")`;
    return new DxlError(
      DxlErrorCode.Timeout,
      `${base}, although the fabric's service registry lists ${registered.length} service instance(s) for it: this client is probably not authorized to send on this topic${who}; the broker drops such a request without an answer`,
      { topic },
    );
  }

  private done(): void {
    this.reading = false;
    this.readAt = performance.now();
  }
}
