/**
 * A simulated TIE server on any DXL client: the six TIE request topics, the external report
 * event, reputation-change events after every change, and optional periodic detection and
 * first-instance events (the topics of src/tie/topics.ts). The official TIE clients cannot tell it from a TIE
 * server; the behaviour follows the mock servers without their bugs.
 */
import { createHash } from 'node:crypto';
import type { DxlMessaging, ServiceRegistration, Unsubscribe } from '../dxl/api';
import type { DxlMessage } from '../dxl/message';
import type { NumberKind } from '../dxl/numbers';
import { queryLimitFromWire, trustLevelFromWire } from '../tie/arguments';
import { CertProvider, FileProvider, TrustLevel } from '../tie/constants';
import { validatedHexToBase64 } from '../tie/hashes';
import { TieTopic } from '../tie/topics';
import type { Reputations } from '../tie/types';
import { computeVerdict } from '../tie/results';
import {
  BadTieRequest,
  optionalText,
  parseExternalReport,
  badRequest,
  parseRequestHashes,
  parseRequestObject,
  type RequestHashes,
} from './tie-simulator-requests';
import { SEED_AGENTS, SEED_ITEMS } from './tie-simulator-seed';
import {
  HASH_TYPES,
  type HexHashes,
  type ItemKind,
  StatePersistence,
  type StoredItem,
  type StoredReputation,
  TieStore,
} from './tie-simulator-store';
import { ReputationSynthesizer, seededRandom } from './tie-simulator-synth';

/** Seconds between the simulator's periodic events, as the command line and npm start take them: 0 for none, at most a day. */
export const EVENT_INTERVAL_S: NumberKind = { whole: false, min: 0, max: 86_400 };
export const DEFAULT_EVENT_INTERVAL_S = 20;

export interface TieSimulatorOptions {
  /** Keeps the store in `<dataDir>/tie-simulator-state.json`; in memory only when absent. */
  dataDir?: string;
  /**
   * Publishes an event every `intervalMs`, in a cycle of four that gives a triage flow each of
   * its cases: a detection of a known malicious file, a first instance of a new file, a
   * detection of that new (unknown) file, a detection of a trusted file.
   */
  periodicEvents?: { intervalMs: number } | false;
  /** Seeds the synthesized answers and the periodic events. Default 1. */
  seed?: number;
  /**
   * Files and certificates the store does not know: `synthesize` answers like a real TIE for
   * an unseen file (default); `not-found` answers "Could not find reputation" as the mock servers.
   */
  unknownItems?: 'synthesize' | 'not-found';
  /** Default `/mcafee/service/tie`. */
  serviceType?: string;
  /** Enterprise size reported for unseen files. Default 250. */
  enterpriseSize?: number;
  /** Epoch seconds. */
  clock?: () => number;
  /** Problems that have no requester to tell: ignored reports, failed events and writes. */
  onError?: (error: Error) => void;
}

/**
 * The TIE service's registration lifetime, re-sent each time it runs out. Short, so that a broker
 * that lost the registration without announcing it (its unregister event is what the DXL client
 * repairs at once) routes to the simulator again within minutes, not an hour; a registration is
 * one small request (docs/design-decisions.md, "A service the fabric dropped").
 */
export const SIMULATOR_TTL_MINS = 5;

/** The error code and message the mock servers answer with; the clients show "Error: ... (0)". */
export const NOT_FOUND_MESSAGE = 'Could not find reputation';
const SERVICE_ERROR_CODE = 0;
const MAX_GENERATED_FILES = 1000;

const GENERATED_NAMES = ['SETUP.EXE', 'UPDATER.EXE', 'INVOICE.PDF.EXE', 'REPORT.DOCM', 'TOOL.EXE', 'PLUGIN.DLL', 'MACRO.XLSM'];

export interface RawDetectionEvent {
  agentGuid: string;
  detectionTime: number;
  hashes: Array<{ type: string; value: string }>;
  localReputation: number;
  name: string;
  remediationAction: number;
}

export interface RawFirstInstanceEvent {
  agentGuid: string;
  hashes: Array<{ type: string; value: string }>;
  name: string;
}

export class TieSimulator {
  readonly serviceType: string;
  private readonly dxl: DxlMessaging;
  private readonly options: TieSimulatorOptions;
  private readonly clock: () => number;
  private readonly onError: (error: Error) => void;
  private readonly synthesizer: ReputationSynthesizer;
  private readonly random: () => number;
  private readonly persistence: StatePersistence | undefined;
  private store = TieStore.fromSeed(SEED_ITEMS);
  private registration: ServiceRegistration | undefined;
  private unsubscribeReports: Unsubscribe | undefined;
  private timer: NodeJS.Timeout | undefined;
  private periodicStep = 0;
  /** The file of the last periodic first instance, detected by the next step. */
  private lastFirstInstance: { hashes: HexHashes; name: string } | undefined;
  private generatedCount = 0;
  private readonly generated: StoredItem[] = [];
  private state: 'new' | 'starting' | 'running' | 'closed' = 'new';
  private readonly observers = new Set<(topic: string) => void>();
  /** Hex hashes whose writes are accepted and dropped (ignoreWritesTo). */
  private readonly ignored = new Set<string>();

  constructor(dxl: DxlMessaging, options: TieSimulatorOptions = {}) {
    this.dxl = dxl;
    this.options = options;
    this.serviceType = options.serviceType ?? '/mcafee/service/tie';
    this.clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
    this.onError = options.onError ?? (() => undefined);
    const seed = options.seed ?? 1;
    this.synthesizer = new ReputationSynthesizer(seed, options.enterpriseSize ?? 250, this.clock);
    this.random = seededRandom(seed);
    if (options.periodicEvents && !(options.periodicEvents.intervalMs > 0)) {
      throw new RangeError('periodicEvents.intervalMs must be a positive number of milliseconds');
    }
    this.persistence =
      options.dataDir === undefined ? undefined : new StatePersistence(options.dataDir, () => this.store.toJSON(), this.onError);
  }

  /** Loads the saved state (or the seed), registers the TIE service and listens for external reports. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`the TIE simulator cannot start: it is ${this.state}`);
    this.state = 'starting';
    this.loadState();
    try {
      this.unsubscribeReports = await this.dxl.subscribe(TieTopic.EXTERNAL_FILE_REPORT_EVENT, (message) => this.onExternalReport(message));
      this.registration = await this.dxl.registerService({
        serviceType: this.serviceType,
        ttlMins: SIMULATOR_TTL_MINS,
        topics: {
          [TieTopic.GET_FILE_REPUTATION]: (request) => this.answer(request, () => this.getReputation(request, 'file')),
          [TieTopic.GET_CERT_REPUTATION]: (request) => this.answer(request, () => this.getReputation(request, 'certificate')),
          [TieTopic.SET_FILE_REPUTATION]: (request) => this.answer(request, () => this.setReputation(request, 'file')),
          [TieTopic.SET_CERT_REPUTATION]: (request) => this.answer(request, () => this.setReputation(request, 'certificate')),
          [TieTopic.GET_FILE_FIRST_REFERENCES]: (request) => this.answer(request, () => this.firstReferences(request, 'file')),
          [TieTopic.GET_CERT_FIRST_REFERENCES]: (request) => this.answer(request, () => this.firstReferences(request, 'certificate')),
        },
      });
    } catch (error) {
      await this.close();
      throw error;
    }
    this.state = 'running';
    const periodic = this.options.periodicEvents;
    if (periodic) {
      this.timer = setInterval(() => this.publishPeriodicEvent(), periodic.intervalMs);
      this.timer.unref();
    }
  }

  /** Stops the events, unregisters the service and writes the state. Safe to call twice. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    const registration = this.registration;
    const unsubscribe = this.unsubscribeReports;
    this.registration = undefined;
    this.unsubscribeReports = undefined;
    const results = await Promise.allSettled([registration?.unregister(), unsubscribe?.()]);
    await this.persistence?.flush();
    const failure = results.find((result) => result.status === 'rejected');
    if (failure !== undefined) this.onError(toError(failure.reason));
  }

  /** Hears the topic of every request and External report the simulator receives; returns the way to stop. */
  observe(listener: (topic: string) => void): () => void {
    this.observers.add(listener);
    return () => this.observers.delete(listener);
  }

  /**
   * Writes (Enterprise sets, External reports) naming any of these hex hashes are accepted and
   * dropped, as by a TIE whose provider is switched off: what a read-back must notice. Returns the undo.
   */
  ignoreWritesTo(hexes: readonly string[]): () => void {
    const added = hexes.map((hex) => hex.toLowerCase()).filter((hex) => !this.ignored.has(hex));
    for (const hex of added) this.ignored.add(hex);
    return () => added.forEach((hex) => this.ignored.delete(hex));
  }

  /** Where the state is saved, when a data directory was given. */
  get stateFile(): string | undefined {
    return this.persistence?.file;
  }

  /** Resolves once every change so far is on disk. */
  async flush(): Promise<void> {
    await this.persistence?.flush();
  }

  /**
   * Publishes a detection event in TIE's wire format. By default a known-malicious file from the
   * store, detected on one of the sample agents now.
   */
  async publishDetection(
    detail: Partial<{ hashes: HexHashes; name: string; agentGuid: string; localReputation: number }> = {},
  ): Promise<RawDetectionEvent> {
    let hashes = detail.hashes;
    let name = detail.name;
    if (hashes === undefined) {
      const item = this.randomFile('malicious');
      hashes = item?.hashes ?? this.newFileHashes();
      name = name ?? item?.filename ?? 'MALWARE.EXE';
    }
    const event: RawDetectionEvent = {
      agentGuid: detail.agentGuid ?? this.randomAgent(),
      detectionTime: this.clock(),
      hashes: wireHashes(hashes),
      localReputation: detail.localReputation ?? TrustLevel.KNOWN_MALICIOUS,
      name: name ?? 'MALWARE.EXE',
      // Every documented example carries 5; its meaning is not documented.
      remediationAction: 5,
    };
    await this.dxl.sendEvent(TieTopic.FILE_DETECTION_EVENT, JSON.stringify(event));
    return event;
  }

  /**
   * Publishes a first-instance event in TIE's wire format. By default for a new file (random
   * content, its real md5/sha1/sha256), which is added to the store with that first reference.
   */
  async publishFirstInstance(detail: Partial<{ hashes: HexHashes; name: string; agentGuid: string }> = {}): Promise<RawFirstInstanceEvent> {
    const agentGuid = detail.agentGuid ?? this.randomAgent();
    const name = detail.name ?? `${this.generatedCount + 1}-${GENERATED_NAMES[this.generatedCount % GENERATED_NAMES.length]}`;
    const hashes = detail.hashes ?? this.newFileHashes();
    this.generatedCount++;
    const match = this.store.find('file', hashes);
    if (match.item === undefined && !('conflict' in match && match.conflict)) {
      const item = this.createItem('file', { hashes });
      item.filename = name;
      item.generated = true;
      this.store.addAgent(item, { agentGuid, date: this.clock() });
      this.generated.push(item);
      while (this.generated.length > MAX_GENERATED_FILES) this.store.remove(this.generated.shift() as StoredItem);
      this.persistence?.save();
    }
    const event: RawFirstInstanceEvent = { agentGuid, hashes: wireHashes(hashes), name };
    await this.dxl.sendEvent(TieTopic.FILE_FIRST_INSTANCE_EVENT, JSON.stringify(event));
    return event;
  }

  // ---- request handlers: each returns the response payload or throws BadTieRequest ----

  private answer(request: DxlMessage, handle: () => string): void {
    this.heard(request.destinationTopic);
    let payload: string;
    try {
      payload = handle();
    } catch (error) {
      const message = error instanceof BadTieRequest ? error.message : `Internal error: ${toError(error).message}`;
      if (!(error instanceof BadTieRequest)) this.onError(toError(error));
      this.dxl.sendErrorResponse(request, SERVICE_ERROR_CODE, message);
      return;
    }
    this.dxl.sendResponse(request, payload);
  }

  private getReputation(request: DxlMessage, kind: ItemKind): string {
    const body = parseRequestObject(request.payload);
    const identity = parseRequestHashes(body, kind);
    const item = this.lookup(kind, identity);
    const reputations =
      item !== undefined ? this.store.reputationsAsJson(item) : this.synthesizer.reputationsFor(kind, identity.hashes).json;
    return `{"props":{"serverTime":${this.clock()},"submitMetaData":1},"reputations":${reputations}}`;
  }

  private firstReferences(request: DxlMessage, kind: ItemKind): string {
    const body = parseRequestObject(request.payload);
    const identity = parseRequestHashes(body, kind);
    const limit = queryLimitFromWire(body.queryLimit, badRequest);
    const item = this.lookup(kind, identity);
    const agents = item?.agents ?? [];
    return JSON.stringify({ totalCount: agents.length, agents: agents.slice(0, limit) });
  }

  private setReputation(request: DxlMessage, kind: ItemKind): string {
    const body = parseRequestObject(request.payload);
    const identity = parseRequestHashes(body, kind);
    const trustLevel = trustLevelFromWire(body.trustLevel, badRequest);
    const enterprise = kind === 'file' ? FileProvider.ENTERPRISE : CertProvider.ENTERPRISE;
    if (body.providerId !== undefined && body.providerId !== enterprise) {
      throw new BadTieRequest(
        `Provider ${JSON.stringify(body.providerId)} cannot be set on this topic: it sets the Enterprise provider (${enterprise})`,
      );
    }
    const filename = kind === 'file' ? optionalText(body.filename, 'filename') : undefined;
    const comment = optionalText(body.comment, 'comment');
    if (this.isIgnored(identity.hashes)) return '';

    const match = this.store.find(kind, identity.hashes, identity.publicKeySha1);
    if (match.item === undefined && match.conflict) {
      throw new BadTieRequest(`The hashes identify more than one ${kind}`);
    }
    const item = match.item ?? this.createItem(kind, identity);
    this.store.bind(item, identity.hashes, identity.publicKeySha1);
    if (filename) item.filename = filename;
    if (comment) item.comment = comment;
    const changed = this.updateReputation(item, enterprise, trustLevel);
    this.persistence?.save();
    if (changed !== undefined) this.afterResponse(() => this.publishReputationChange(item, changed));
    // Set responses carry an empty payload, as TIE's.
    return '';
  }

  private onExternalReport(message: DxlMessage): void {
    if (this.state === 'closed') return;
    this.heard(message.destinationTopic);
    try {
      const report = parseExternalReport(message.payload);
      if (this.isIgnored(report.hashes)) return;
      const match = this.store.find('file', report.hashes);
      if (match.item === undefined && match.conflict) throw new BadTieRequest('The hashes identify more than one file');
      const item = match.item ?? this.createItem('file', { hashes: report.hashes });
      this.store.bind(item, report.hashes);
      if (report.filename) item.filename = report.filename;
      if (report.comment) item.comment = report.comment;
      if (report.fileType) item.fileType = report.fileType;
      const changed = this.updateReputation(item, FileProvider.EXTERNAL, report.trustLevel);
      this.persistence?.save();
      if (changed !== undefined) this.publishReputationChange(item, changed);
    } catch (error) {
      this.onError(new Error(`Ignored an external report: ${toError(error).message}`));
    }
  }

  private heard(topic: string): void {
    for (const observer of [...this.observers]) observer(topic);
  }

  private isIgnored(hashes: HexHashes): boolean {
    return this.ignored.size > 0 && HASH_TYPES.some((type) => hashes[type] !== undefined && this.ignored.has(hashes[type]));
  }

  // ---- store helpers ----

  /** The stored item, or undefined for an unseen one (in `synthesize` mode); throws when not found otherwise. */
  private lookup(kind: ItemKind, identity: RequestHashes): StoredItem | undefined {
    const match = this.store.find(kind, identity.hashes, identity.publicKeySha1);
    if (match.item !== undefined) return match.item;
    if (match.conflict || this.options.unknownItems === 'not-found') throw new BadTieRequest(NOT_FOUND_MESSAGE);
    return undefined;
  }

  /** A new item: with the reputations an unseen one is answered with, or none in `not-found` mode. */
  private createItem(kind: ItemKind, identity: RequestHashes): StoredItem {
    const reputations =
      this.options.unknownItems === 'not-found'
        ? []
        : this.synthesizer.reputationsFor(kind, identity.hashes).reputations.map((r) => ({ ...r, attributes: { ...r.attributes } }));
    const item: StoredItem = { kind, hashes: { ...identity.hashes }, reputations, agents: [] };
    if (identity.publicKeySha1 !== undefined) item.publicKeySha1 = identity.publicKeySha1;
    return this.store.add(item);
  }

  /**
   * Sets a provider's trust level. Returns the reputation list before the change, or undefined
   * when the trust level was already that (nothing changed, nothing to announce).
   */
  private updateReputation(item: StoredItem, providerId: number, trustLevel: number): StoredReputation[] | undefined {
    const existing = this.store.reputation(item, providerId);
    if (existing !== undefined && existing.trustLevel === trustLevel) return undefined;
    const before = item.reputations.slice();
    const attributes =
      existing !== undefined
        ? existing.attributes
        : providerId === FileProvider.ENTERPRISE || providerId === CertProvider.ENTERPRISE
          ? this.synthesizer.enterpriseAttributes(item.kind)
          : {};
    this.store.putReputation(item, { ...existing, providerId, trustLevel, createDate: this.clock(), attributes });
    return before;
  }

  private publishReputationChange(item: StoredItem, before: StoredReputation[]): void {
    const now = this.clock();
    const event: Record<string, unknown> = {
      hashes: wireHashes(item.hashes),
      oldReputations: { reputations: before, props: { serverTime: now } },
      newReputations: { reputations: item.reputations, props: { serverTime: now } },
      updateTime: now,
    };
    if (item.kind === 'certificate' && item.publicKeySha1 !== undefined) event.publicKeySha1 = validatedHexToBase64(item.publicKeySha1);
    const certificate = item.relationships?.certificate;
    if (item.kind === 'file' && certificate !== undefined) {
      const related: Record<string, unknown> = { hashes: wireHashes(certificate.hashes) };
      if (certificate.publicKeySha1 !== undefined) related.publicKeySha1 = validatedHexToBase64(certificate.publicKeySha1);
      event.relationships = { certificate: related };
    }
    const topic = item.kind === 'file' ? TieTopic.FILE_REPUTATION_CHANGE_EVENT : TieTopic.CERT_REPUTATION_CHANGE_EVENT;
    this.dxl.sendEvent(topic, JSON.stringify(event)).catch((error: unknown) => this.onError(toError(error)));
  }

  /** Runs after the current handler returned, i.e. after its response went out. */
  private afterResponse(task: () => void): void {
    queueMicrotask(() => {
      if (this.state === 'running') task();
    });
  }

  private publishPeriodicEvent(): void {
    const step = this.periodicStep;
    this.periodicStep = (step + 1) % 4;
    this.periodicEvent(step).catch((error: unknown) => this.onError(toError(error)));
  }

  private async periodicEvent(step: number): Promise<void> {
    switch (step) {
      case 0:
        await this.publishDetection();
        return;
      case 1: {
        const hashes = this.newFileHashes();
        const event = await this.publishFirstInstance({ hashes });
        this.lastFirstInstance = { hashes, name: event.name };
        return;
      }
      case 2: {
        // The file just seen for the first time, still without a verdict: a triage reports it.
        const fresh = this.lastFirstInstance ?? { hashes: this.newFileHashes(), name: 'DROPPER.EXE' };
        this.lastFirstInstance = undefined;
        await this.publishDetection({ ...fresh, localReputation: TrustLevel.MIGHT_BE_MALICIOUS });
        return;
      }
      default: {
        // A file TIE trusts that an endpoint flagged anyway: a triage leaves it alone.
        const trusted = this.randomFile('trusted');
        await this.publishDetection({
          hashes: trusted?.hashes ?? this.newFileHashes(),
          name: trusted?.filename ?? 'TRUSTED.EXE',
          localReputation: TrustLevel.MIGHT_BE_MALICIOUS,
        });
      }
    }
  }

  /** A stored file whose verdict is `category` now, chosen at random; undefined when there is none. */
  private randomFile(category: 'malicious' | 'trusted'): StoredItem | undefined {
    const files = [...this.store.all()].filter((item) => item.kind === 'file' && verdictCategory(item) === category);
    return files.length > 0 ? files[Math.floor(this.random() * files.length)] : undefined;
  }

  private randomAgent(): string {
    const agents = Object.values(SEED_AGENTS);
    return agents[Math.floor(this.random() * agents.length)];
  }

  private newFileHashes(): HexHashes {
    const content = Buffer.alloc(64);
    for (let i = 0; i < content.length; i++) content[i] = Math.floor(this.random() * 256);
    return {
      md5: createHash('md5').update(content).digest('hex'),
      sha1: createHash('sha1').update(content).digest('hex'),
      sha256: createHash('sha256').update(content).digest('hex'),
    };
  }

  private loadState(): void {
    if (this.persistence === undefined) return;
    let state: unknown;
    try {
      state = this.persistence.load();
      if (state !== undefined) {
        this.store = TieStore.fromJSON(state);
        this.store.addMissing(SEED_ITEMS);
      }
    } catch (error) {
      const aside = this.persistence.quarantine();
      this.onError(
        new Error(`The TIE simulator state was unreadable (${toError(error).message}); moved to ${aside}, starting from the seed`),
      );
      state = undefined;
    }
    for (const item of this.store.all()) if (item.generated) this.generated.push(item);
    this.generatedCount = this.generated.length;
    if (state === undefined) this.persistence.save();
  }
}

function wireHashes(hashes: HexHashes): Array<{ type: string; value: string }> {
  const list: Array<{ type: string; value: string }> = [];
  for (const type of HASH_TYPES) {
    const hex = hashes[type];
    if (hex !== undefined) list.push({ type, value: validatedHexToBase64(hex) });
  }
  return list;
}

function verdictCategory(item: StoredItem): string {
  const byProvider: Reputations = {};
  for (const { providerId, trustLevel, createDate, attributes } of item.reputations) {
    byProvider[providerId] = { providerId, trustLevel, createDate, attributes };
  }
  return computeVerdict(byProvider, item.kind).category;
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
