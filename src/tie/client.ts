/**
 * TieClient: the TIE operations and events on a DXL client, with the results of the official TIE
 * clients (reputations, first references, event dicts), a verdict where asked, and the optional
 * reputation cache kept right by the sets and change events that go through it.
 */
import type { DxlMessaging, RequestOptions, Unsubscribe } from '../dxl/api';
import { type DxlMessage, parseJsonPayload } from '../dxl/message';
import { ReputationCache, type CacheTicket, type ReputationCacheOptions } from './cache';
import { queryLimitArgument, trustLevelArgument } from './arguments';
import { CertProvider, FileProvider, FileType, isFileType, isTrustLevel } from './constants';
import { DEFAULT_FIRST_REFERENCES_LIMIT, ON_DEMAND_SCAN_TYPE, TieTopic } from './topics';
import { type EventErrorHandler, type EventHandler, EventFeeds } from './event-feeds';
import { TieError, TieErrorCode, invalidInput, invalidResponse } from './errors';
import { type EventSenderRule, EventSenders } from './event-senders';
import {
  type CertificateTarget,
  type FileTarget,
  type HashInput,
  type ReputationTarget,
  certificateTarget,
  fileReputationRequestJson,
  fileTarget,
  normalizeHashes,
  receivedBase64ToHex,
  toWireHashes,
  validTarget,
  validatedHexToBase64,
} from './hashes';

import {
  type ReputationSubject,
  type Verdict,
  computeVerdict,
  transformDetectionEvent,
  transformFirstInstanceEvent,
  transformFirstReferencesResponse,
  transformReputationChangeEvent,
  transformReputationResponse,
} from './results';
import type { DetectionEvent, FirstInstanceEvent, FirstReference, HashDict, ReputationChangeEvent, Reputations, WireHash } from './types';
import { type WhenLimited, type WriteLimit, WriteLimiter } from './write-limiter';
import { type ReadBack, type ReadBackOptions, readBack } from './read-back';

export interface TieClientOptions {
  /**
   * Opt-in reputation cache: answers of get-reputation calls are kept for `ttlMs`, at most
   * `maxEntries` (default 10 000), and dropped when a reputation-change event or a set made
   * through this client names one of their hashes.
   */
  cache?: ReputationCacheOptions | false;
  /** Timeout of each request; the DXL client's own default when absent. */
  requestTimeoutMs?: number;
  /**
   * Receives errors of event subscriptions: events that are not TIE payloads and exceptions
   * thrown by handlers, unless the subscription has an `onError` of its own. Without either they
   * are rethrown to the DXL client, which logs them.
   */
  onEventError?: (error: Error, message: DxlMessage) => void;
  /** Which clients may send TIE events (and so touch the cache); any client when absent. */
  eventSenders?: EventSenderRule;
  /**
   * A limit on the writes (Enterprise sets, External reports) of this client: over it, a write
   * waits its turn in a bounded queue (see write-limiter.ts). No limit when absent.
   */
  writeLimit?: WriteLimit;
  /** Writes are planned and validated but never sent (`write` resolves with `sent: false`). */
  dryRun?: boolean;
}

/**
 * A write to TIE as it goes on the wire, made and validated by `planSetReputation` or
 * `planExternalFileReputation` and sent by `write`: what a dry run shows.
 */
export interface PlannedWrite {
  /** 'request' for an Enterprise set (TIE answers it), 'event' for an External report (TIE never answers). */
  readonly kind: 'request' | 'event';
  readonly topic: string;
  /** The JSON text that goes on the wire. */
  readonly payload: string;
  readonly target: ReputationTarget;
  /** The provider the write sets: Enterprise (3, or 4 for a certificate) or External (15). */
  readonly providerId: number;
  readonly trustLevel: number;
}

export interface WriteOptions {
  /** When the write limit has no room now: wait in its queue (default), or fail at once with TIE_WRITE_RATE_LIMITED. */
  whenLimited?: WhenLimited;
}

export type { ReadBack, ReadBackOptions, WhenLimited, WriteLimit };

export type { EventErrorHandler, EventHandler };

export interface ReputationsWithVerdict {
  reputations: Reputations;
  verdict: Verdict;
}

/** What one get-reputation call asks: its target, and the request made of it. */
interface ReputationLookup {
  target: ReputationTarget;
  subject: ReputationSubject;
  topic: string;
  payload: string;
}

function lookupOf(target: ReputationTarget): ReputationLookup {
  if (target.subject === 'file') {
    const payload = fileReputationRequestJson(target.hashes, ON_DEMAND_SCAN_TYPE);
    return { target, subject: 'file', topic: TieTopic.GET_FILE_REPUTATION, payload };
  }
  return { target, subject: 'certificate', topic: TieTopic.GET_CERT_REPUTATION, payload: JSON.stringify(certificateHashes(target)) };
}

/** The cache's key for a target: its hashes, each type in its place. */
function cacheKeyOf(target: ReputationTarget): string {
  if (target.subject === 'certificate') return `c|${target.sha1}|${target.publicKeySha1 ?? ''}`;
  const { md5, sha1, sha256 } = target.hashes;
  return `f|${md5 ?? ''}|${sha1 ?? ''}|${sha256 ?? ''}`;
}

/** The hex digests that name a target, for invalidation. */
function hexesOf(target: ReputationTarget): string[] {
  return target.subject === 'file' ? hashValues(target.hashes) : certificateHexes(target);
}

/**
 * TIE over DXL, with the operations and results of the official TIE clients
 * (https://github.com/opendxl/opendxl-tie-client-python, https://github.com/opendxl/opendxl-tie-client-javascript),
 * as promises. Hashes in: hex (any case, validated); hashes out: lowercase hex.
 *
 * Rejections: `TieError` (`TIE_INVALID_INPUT` before anything is sent, `TIE_INVALID_RESPONSE`)
 * or the DXL client's `DxlError` unchanged (see errors.ts for the codes).
 */
export class TieClient {
  readonly dxl: DxlMessaging;
  /** Present when the cache was enabled. */
  readonly cache: ReputationCache | undefined;
  private readonly requestOptions: RequestOptions | undefined;
  private readonly onEventError: EventErrorHandler | undefined;
  private readonly feeds: EventFeeds;
  /** Present when events are accepted only from trusted senders; its counts say what was dropped. */
  readonly eventSenders: EventSenders | undefined;
  /** Present when the client has a write limit: its queue's length and changes are for status displays. */
  readonly writeLimiter: WriteLimiter | undefined;
  /** True when writes are never sent. */
  readonly dryRun: boolean;
  private readonly subscriptions = new Set<Unsubscribe>();
  private cacheInvalidation: Promise<void> | undefined;
  private closed = false;

  constructor(dxl: DxlMessaging, options: TieClientOptions = {}) {
    this.dxl = dxl;
    this.cache = options.cache ? new ReputationCache(options.cache) : undefined;
    if (options.requestTimeoutMs !== undefined) {
      if (!(options.requestTimeoutMs > 0)) throw invalidInput('requestTimeoutMs must be a positive number');
      this.requestOptions = { timeoutMs: options.requestTimeoutMs };
    }
    this.onEventError = options.onEventError;
    this.eventSenders = options.eventSenders?.onlyTieServices ? new EventSenders(dxl, options.eventSenders) : undefined;
    this.feeds = new EventFeeds(dxl, this.eventSenders);
    this.writeLimiter = options.writeLimit === undefined ? undefined : new WriteLimiter(options.writeLimit);
    this.dryRun = options.dryRun === true;
  }

  // ---- reputations and first references: files and certificates alike, as targets (hashes.ts) ----

  /** Reputations of a file keyed by provider id (1 GTI, 3 Enterprise, 5 ATD, 7 MWG, 15 External), as the official clients. */
  getFileReputation(hashes: HashInput): Promise<Reputations> {
    return this.reputations(() => fileTarget(hashes));
  }

  /**
   * Reputations of a certificate keyed by provider id (2 GTI, 4 Enterprise), as the official
   * clients. The public-key SHA-1 is optional but can find more reputations.
   */
  getCertificateReputation(sha1: string, publicKeySha1?: string): Promise<Reputations> {
    return this.reputations(() => certificateTarget(sha1, publicKeySha1));
  }

  /** The reputations of a file or certificate with their verdict (see results.ts); cached with them. */
  getReputationWithVerdict(target: ReputationTarget): Promise<ReputationsWithVerdict> {
    let lookup: ReputationLookup;
    try {
      this.checkOpen();
      lookup = lookupOf(validTarget(target));
    } catch (error) {
      return rejected(error);
    }
    if (this.cache !== undefined) return this.cachedLookup(this.cache, lookup, true);
    return this.dxl.request(lookup.topic, lookup.payload, this.requestOptions).then((response) => {
      const reputations = reputationsIn(response);
      return { reputations, verdict: computeVerdict(reputations, lookup.subject) };
    });
  }

  /**
   * Sets the Enterprise trust level (provider 3 for a file, 4 for a certificate): an administrator
   * override. `filename` is for files only.
   */
  async setReputation(
    target: ReputationTarget,
    trustLevel: number,
    filename: string = '',
    comment: string = '',
    options: WriteOptions = {},
  ): Promise<void> {
    await this.write(this.planSetReputation(target, trustLevel, filename, comment), options);
  }

  /** The Enterprise set `setReputation` sends, validated, without sending it. Throws TIE_INVALID_INPUT. */
  planSetReputation(target: ReputationTarget, trustLevel: number, filename: string = '', comment: string = ''): PlannedWrite {
    this.checkOpen();
    const valid = validTarget(target);
    const level = trustLevelArgument(trustLevel);
    if (valid.subject === 'file') {
      const payload = {
        trustLevel: level,
        providerId: FileProvider.ENTERPRISE,
        filename: textArgument(filename, 'filename'),
        comment: textArgument(comment, 'comment'),
        hashes: toWireHashes(valid.hashes),
      };
      return planned('request', TieTopic.SET_FILE_REPUTATION, payload, valid, FileProvider.ENTERPRISE, level);
    }
    const payload = {
      trustLevel: level,
      providerId: CertProvider.ENTERPRISE,
      comment: textArgument(comment, 'comment'),
      ...certificateHashes(valid),
    };
    return planned('request', TieTopic.SET_CERT_REPUTATION, payload, valid, CertProvider.ENTERPRISE, level);
  }

  /**
   * Sets the External provider (15) trust level of a file (TIE 3.0.0+). An Event, not a request:
   * it resolves once sent, and TIE never confirms it. External is a fallback that endpoints use
   * only when no other provider is definitive, so check first (see `decideExternalReputation`).
   *
   * Validation follows the Python client, in its order and with its messages: trust level
   * missing (or 0), file type not in `FileType`, trust level not in `TrustLevel`, no hashes; then
   * each hash is validated.
   */
  async setExternalFileReputation(
    trustLevel: number,
    hashes: HashInput,
    fileType: number = FileType.NONE,
    filename = '',
    comment = '',
    options: WriteOptions = {},
  ): Promise<void> {
    await this.write(this.planExternalFileReputation(trustLevel, hashes, fileType, filename, comment), options);
  }

  /** The External report `setExternalFileReputation` sends, validated, without sending it. Throws TIE_INVALID_INPUT. */
  planExternalFileReputation(
    trustLevel: number,
    hashes: HashInput,
    fileType: number = FileType.NONE,
    filename = '',
    comment = '',
  ): PlannedWrite {
    this.checkOpen();
    if (!trustLevel) throw invalidInput('TrustLevel was not specified');
    if (!isFileType(fileType)) throw invalidInput('FileType was not a valid entry');
    if (!isTrustLevel(trustLevel)) throw invalidInput('TrustLevel was not a valid entry');
    if (!hashes || (typeof hashes === 'object' && Object.keys(hashes).length === 0)) {
      throw invalidInput('File hashes were not specified');
    }
    const normalized = normalizeHashes(hashes);
    const event = {
      file: {
        type: fileType,
        hashes: normalized,
        attributes: { filename: textArgument(filename, 'filename') },
        reputation: { score: trustLevel },
      },
      provider: { id: FileProvider.EXTERNAL },
      comment: textArgument(comment, 'comment'),
    };
    const target: FileTarget = { subject: 'file', hashes: normalized };
    return planned('event', TieTopic.EXTERNAL_FILE_REPORT_EVENT, event, target, FileProvider.EXTERNAL, trustLevel);
  }

  /**
   * Sends a planned write, within the write limit when the client has one. Resolves with
   * `sent: false`, having sent nothing, when the client is a dry run. Rejects as the DXL client
   * does, or with TIE_WRITE_QUEUE_FULL / TIE_WRITE_RATE_LIMITED (nothing sent).
   */
  async write(plan: PlannedWrite, options: WriteOptions = {}): Promise<{ sent: boolean }> {
    this.checkOpen();
    if (this.dryRun) return { sent: false };
    await this.writeLimiter?.acquire(options.whenLimited ?? 'wait');
    this.checkOpen();
    const hashes = hexesOf(plan.target);
    if (plan.kind === 'event') {
      this.invalidate(hashes);
      await this.dxl.sendEvent(plan.topic, plan.payload);
    } else {
      await this.setAndInvalidate(plan.topic, plan.payload, hashes);
    }
    return { sent: true };
  }

  /**
   * Reads the reputation a write set until its provider shows the trust level written or the
   * time is up (past the cache: each look is a request to TIE). Never rejects for TIE's sake: a
   * lookup that fails is tried again, and the result says why a write was not seen.
   */
  readBack(plan: PlannedWrite, options: ReadBackOptions): Promise<ReadBack> {
    const lookup = lookupOf(plan.target);
    return readBack(
      (timeoutMs) => this.dxl.request(lookup.topic, lookup.payload, { timeoutMs }).then(reputationsIn),
      plan.providerId,
      plan.trustLevel,
      { ...options, requestTimeoutMs: this.requestOptions?.timeoutMs },
    );
  }

  /** The first systems that ran the file (or a file signed with the certificate), `{agentGuid, date}` each, at most `queryLimit` (default 500). */
  async getFirstReferences(target: ReputationTarget, queryLimit: number = DEFAULT_FIRST_REFERENCES_LIMIT): Promise<FirstReference[]> {
    this.checkOpen();
    const valid = validTarget(target);
    const limit = queryLimitArgument(queryLimit);
    const [topic, payload] =
      valid.subject === 'file'
        ? [TieTopic.GET_FILE_FIRST_REFERENCES, { queryLimit: limit, hashes: toWireHashes(valid.hashes) }]
        : [TieTopic.GET_CERT_FIRST_REFERENCES, { queryLimit: limit, ...certificateHashes(valid) }];
    const response = await this.dxl.request(topic, JSON.stringify(payload), this.requestOptions);
    return transformFirstReferencesResponse(parseResponse(response));
  }

  // ---- events ----

  // Each event is parsed and transformed once, however many handlers listen (see event-feeds.ts).
  // `onError` receives this subscription's errors (events that are not TIE payloads, exceptions of
  // the handler) instead of the client's `onEventError`.

  /** File reputation changes, delivered as the Python `on_reputation_change` dict. */
  onFileReputationChange(handler: EventHandler<ReputationChangeEvent>, onError?: EventErrorHandler): Promise<Unsubscribe> {
    return this.listen(TieTopic.FILE_REPUTATION_CHANGE_EVENT, transformReputationChangeEvent, handler, onError);
  }

  /** Certificate reputation changes (with a hex `publicKeySha1` when TIE knows it). */
  onCertificateReputationChange(handler: EventHandler<ReputationChangeEvent>, onError?: EventErrorHandler): Promise<Unsubscribe> {
    return this.listen(TieTopic.CERT_REPUTATION_CHANGE_EVENT, transformReputationChangeEvent, handler, onError);
  }

  /** Detections on endpoints, delivered as the Python `on_detection` dict. */
  onFileDetection(handler: EventHandler<DetectionEvent>, onError?: EventErrorHandler): Promise<Unsubscribe> {
    return this.listen(TieTopic.FILE_DETECTION_EVENT, transformDetectionEvent, handler, onError);
  }

  /** First sightings of files in the enterprise, delivered as the Python `on_first_instance` dict. */
  onFileFirstInstance(handler: EventHandler<FirstInstanceEvent>, onError?: EventErrorHandler): Promise<Unsubscribe> {
    return this.listen(TieTopic.FILE_FIRST_INSTANCE_EVENT, transformFirstInstanceEvent, handler, onError);
  }

  /** Removes every subscription this client made (event handlers and cache invalidation); later calls reject with TIE_CLOSED. */
  async close(): Promise<void> {
    this.closed = true;
    this.writeLimiter?.close(closedError());
    const pending = [...this.subscriptions];
    this.subscriptions.clear();
    this.cacheInvalidation = undefined;
    this.cache?.clear();
    await Promise.all(pending.map((unsubscribe) => unsubscribe()));
  }

  // ---- internals ----

  private checkOpen(): void {
    if (this.closed) throw closedError();
  }

  /**
   * The reputations of a target made by `targetOf` (which throws on bad input: a rejection, as
   * nothing was sent). Without a cache, one request and one step after it: this is the hot path.
   */
  private reputations(targetOf: () => ReputationTarget): Promise<Reputations> {
    let lookup: ReputationLookup;
    try {
      this.checkOpen();
      lookup = lookupOf(targetOf());
    } catch (error) {
      return rejected(error);
    }
    if (this.cache !== undefined) return this.cachedLookup(this.cache, lookup, false).then((found) => found.reputations);
    return this.dxl.request(lookup.topic, lookup.payload, this.requestOptions).then(reputationsIn);
  }

  /**
   * A get-reputation call through the cache. The verdict is computed only when asked for; a hit
   * returns the one computed for the entry.
   */
  private cachedLookup(cache: ReputationCache, target: ReputationLookup, wantVerdict: true): Promise<ReputationsWithVerdict>;
  private cachedLookup(cache: ReputationCache, target: ReputationLookup, wantVerdict: false): Promise<{ reputations: Reputations }>;
  private async cachedLookup(
    cache: ReputationCache,
    target: ReputationLookup,
    wantVerdict: boolean,
  ): Promise<{ reputations: Reputations; verdict?: Verdict }> {
    const verdictOf = (reputations: Reputations): Verdict => computeVerdict(reputations, target.subject);
    await this.ensureCacheInvalidation();
    const key = cacheKeyOf(target.target);
    if (wantVerdict) {
      const hit = cache.getDerived(key, verdictOf);
      if (hit !== undefined) return { reputations: hit.reputations, verdict: hit.derived };
    } else {
      const reputations = cache.get(key);
      if (reputations !== undefined) return { reputations };
    }
    const ticket: CacheTicket = cache.begin(key, hexesOf(target.target));
    try {
      const reputations = reputationsIn(await this.dxl.request(target.topic, target.payload, this.requestOptions));
      const verdict = wantVerdict ? verdictOf(reputations) : undefined;
      cache.set(ticket, reputations, verdict);
      return verdict === undefined ? { reputations } : { reputations, verdict };
    } catch (error) {
      cache.abandon(ticket);
      throw error;
    }
  }

  private async setAndInvalidate(topic: string, payload: string, hashes: string[]): Promise<void> {
    // Before and after: lookups in flight now must not be cached, nor answers cached meanwhile.
    this.invalidate(hashes);
    try {
      await this.dxl.request(topic, payload, this.requestOptions);
    } finally {
      this.invalidate(hashes);
    }
  }

  private invalidate(hashes: Iterable<string | undefined>): void {
    this.cache?.invalidate(hashes);
  }

  /** Subscribes once to both reputation-change topics so that changes drop cached reputations. */
  private ensureCacheInvalidation(): Promise<void> {
    if (this.cacheInvalidation !== undefined) return this.cacheInvalidation;
    if (this.closed) return Promise.reject(closedError());
    const onChange = (payload: unknown): void => {
      try {
        this.invalidate(changedHashes(payload));
      } catch {
        // Not a TIE payload: nothing names a cached hash, so there is nothing to drop.
      }
    };
    const ready = (async () => {
      const results = await Promise.allSettled([
        this.feeds.observe(TieTopic.FILE_REPUTATION_CHANGE_EVENT, transformReputationChangeEvent, onChange),
        this.feeds.observe(TieTopic.CERT_REPUTATION_CHANGE_EVENT, transformReputationChangeEvent, onChange),
      ]);
      const failure = results.find((result) => result.status === 'rejected');
      const unsubscribes = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      if (failure !== undefined || this.closed) {
        await Promise.allSettled(unsubscribes.map((unsubscribe) => unsubscribe()));
        throw failure !== undefined ? failure.reason : closedError();
      }
      for (const unsubscribe of unsubscribes) this.subscriptions.add(unsubscribe);
    })();
    this.cacheInvalidation = ready;
    // A failed subscription is retried by the next cached lookup.
    ready.catch(() => {
      if (this.cacheInvalidation === ready) this.cacheInvalidation = undefined;
    });
    return ready;
  }

  private async listen<T>(
    topic: string,
    transform: (payload: unknown) => T,
    handler: EventHandler<T>,
    onError: EventErrorHandler | undefined,
  ): Promise<Unsubscribe> {
    if (typeof handler !== 'function') throw invalidInput('the event handler must be a function');
    if (onError !== undefined && typeof onError !== 'function') throw invalidInput('the event error handler must be a function');
    this.checkOpen();
    const reportTo = onError ?? this.onEventError;
    const unsubscribeFromFeed = await this.feeds.listen(topic, transform, handler, reportTo);
    if (this.closed) {
      await unsubscribeFromFeed();
      throw closedError();
    }
    let subscribed = true;
    const unsubscribe: Unsubscribe = async () => {
      if (!subscribed) return;
      subscribed = false;
      this.subscriptions.delete(unsubscribe);
      await unsubscribeFromFeed();
    };
    this.subscriptions.add(unsubscribe);
    return unsubscribe;
  }
}

// ---- request bodies ----

function planned(
  kind: PlannedWrite['kind'],
  topic: string,
  body: object,
  target: ReputationTarget,
  providerId: number,
  trustLevel: number,
): PlannedWrite {
  return Object.freeze({ kind, topic, payload: JSON.stringify(body), target, providerId, trustLevel });
}

/** A certificate as the requests name it: `{hashes: [{type: "sha1", value}], publicKeySha1?}`, base64. */
function certificateHashes(cert: CertificateTarget): { hashes: WireHash[]; publicKeySha1?: string } {
  const hashes = [{ type: 'sha1', value: validatedHexToBase64(cert.sha1) }];
  return cert.publicKeySha1 === undefined ? { hashes } : { hashes, publicKeySha1: validatedHexToBase64(cert.publicKeySha1) };
}

function certificateHexes(cert: CertificateTarget): string[] {
  return cert.publicKeySha1 === undefined ? [cert.sha1] : [cert.sha1, cert.publicKeySha1];
}

function hashValues(hashes: HashDict): string[] {
  return Object.values(hashes).filter((hex): hex is string => hex !== undefined);
}

/** The reputations of a get-reputation answer, keyed by provider id. */
function reputationsIn(response: DxlMessage): Reputations {
  return transformReputationResponse(parseResponse(response));
}

function parseResponse(message: DxlMessage): unknown {
  try {
    return parseJsonPayload(message.payload);
  } catch (error) {
    throw invalidResponse(`TIE response on ${message.destinationTopic || 'the reply topic'} is not JSON: ${errorText(error)}`, error);
  }
}

/** Hex digests named by a raw reputation-change event (its hashes and public-key SHA-1). */
function changedHashes(payload: unknown): string[] {
  const out: string[] = [];
  if (payload === null || typeof payload !== 'object') return out;
  const event = payload as { hashes?: unknown; publicKeySha1?: unknown };
  if (Array.isArray(event.hashes)) {
    for (const entry of event.hashes as unknown[]) {
      const value = entry !== null && typeof entry === 'object' ? (entry as { value?: unknown }).value : undefined;
      if (typeof value === 'string') out.push(receivedBase64ToHex(value, 'hashes'));
    }
  }
  if (typeof event.publicKeySha1 === 'string' && event.publicKeySha1) {
    out.push(receivedBase64ToHex(event.publicKeySha1, 'publicKeySha1'));
  }
  return out;
}

/** A filename or comment; undefined and null count as "". */
function textArgument(value: unknown, what: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalidInput(`${what} must be a string, got ${typeof value}`);
  return value;
}

function closedError(): TieError {
  return new TieError(TieErrorCode.Closed, 'The TIE client is closed');
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A refusal of bad input as the rejection a promise-returning method gives. */
function rejected(error: unknown): Promise<never> {
  return Promise.reject(error instanceof Error ? error : new Error(String(error)));
}
