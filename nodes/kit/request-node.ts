/**
 * The road of every TIE request node, per message: read the input (TypedInput), read and validate
 * its item, or every item of a batch (an array) before anything is sent, run the operation on the
 * TIE client (a batch with bounded concurrency, its results in input order), put the result in
 * msg.payload and the decoded extras beside it, and end the message (input.ts).
 */
import { type TieNodeError, toNodeError } from './errors';
import { type InputLink, type InputMessage, type TypedValue, evaluateTyped, linkInputNode, typedLabel } from './input';
import { ITEM_SETTINGS, type ItemSettingName, type ItemSettings, type Subject, checkBatchSize, readItem, withInputContext } from './items';
import type { BatchErrorMode, WhenLimited } from './common-properties';
import { itemsOrLookedUp } from './lookup-answer';
import type { NodeInstance, NodeMessage, NodeRedApi } from './node-red';
import type { Properties, PropertyValues } from './properties';
import { registerFlowNode } from './values';
import type { OperationResult, RequestOperation, RunContext, WriteAudit, WriteGuard } from './operations';
import { RequestActivity, type Translate, translator, warnOnce } from './status';
import { type UserText, userText } from './text';
import { SETTINGS } from './settings';
import type { TieClient } from '../../src/tie/client';
import { isTrustLevel, providerName } from '../../src/tie/constants';

/** What every request node reads of its properties (nodes/kit/common-properties.ts). */
export interface RequestSettings extends Partial<Readonly<Record<ItemSettingName, TypedValue>>> {
  readonly connection: string | undefined;
  readonly subject: Subject;
  /** Where the hashes come from (TypedInput). */
  readonly input: TypedValue;
  readonly concurrency: number | undefined;
  readonly batchErrors: BatchErrorMode;
}

/** A set node's write guard as read of its properties (WRITE_GUARD). */
export interface WriteSettings extends RequestSettings {
  readonly dryRun: boolean;
  readonly protectTrusted: boolean;
  readonly whenLimited: WhenLimited;
  readonly verifyTimeout: number | undefined;
}

export interface RequestNodeSpec<P> {
  /** The node's properties as read (readNodeProperties). */
  settings: RequestSettings;
  operation: RequestOperation<P>;
  /** A set node's guard: its status shows a dry run and the write queue, and each write is logged. */
  writeGuard?: WriteGuard;
}

/** A set node's guard from its settings, read once at deploy (the read-back's time only counts when it is on). */
export function writeGuardOf(settings: WriteSettings): WriteGuard {
  return {
    dryRun: settings.dryRun,
    protectTrusted: settings.protectTrusted,
    whenLimited: settings.whenLimited,
    verifyTimeoutMs: settings.verifyTimeout === undefined ? undefined : Math.round(settings.verifyTimeout * 1000),
  };
}

/** What a message's request gave: the msg's payload and extras, and for the status a note and warnings. */
interface RequestOutcome {
  payload: unknown;
  /** msg properties to set; arrays parallel to msg.payload for a batch. */
  extras: Record<string, unknown>;
  /** Batch items that failed, in 'report' mode. */
  errors?: Array<ReturnType<TieNodeError['toJSON']>>;
  /** The status note of the last item, if any. */
  note?: UserText;
  /** What the last item that wrote wrote. */
  wrote?: UserText;
  warnings: readonly UserText[];
}

const NO_SETTINGS: ItemSettings = Object.freeze({});

/**
 * A request node's road. Its `items` settings (trustLevel, filename, …) are the node's TypedInputs
 * for what an item does not give.
 */
function setupRequestNode<P>(RED: NodeRedApi, node: NodeInstance, spec: RequestNodeSpec<P>, items: readonly ItemSettingName[] = []): void {
  const settings = spec.settings;
  const translate = translator(RED);
  const warn = warnOnce(node, translate);
  const guard = spec.writeGuard;
  const writes = guard === undefined ? undefined : watchWrites(node, guard);
  const linked = linkInputNode(RED, node, settings.connection, 'tie', new RequestActivity('tie', writes));
  writes?.follow(linked);
  const operation = spec.operation;
  const audit = (entry: WriteAudit): void => node.log(auditLine(translate, node, entry));
  const run = (tie: TieClient, prepared: P, context: RunContext): Promise<OperationResult> => {
    writes?.watch(tie);
    const result = operation.run(tie, prepared, context);
    return guard === undefined
      ? result
      : result.then((done) => {
          if (done.audit !== undefined) audit(done.audit);
          return done;
        });
  };
  const subject = settings.subject;
  const accepted = operation.settingsFor(subject);
  const input = settings.input;
  const label = typedLabel(input);
  const typedDefaults = itemDefaults(settings, items);
  const batch: BatchSettings = {
    concurrency: settings.concurrency ?? SETTINGS.concurrency.blank,
    stopOnError: settings.batchErrors !== 'report',
  };

  const readDefaults = async (msg: NodeMessage): Promise<ItemSettings> => {
    if (typedDefaults.length === 0) return NO_SETTINGS;
    const defaults: ItemSettings = {};
    for (const [name, typed] of typedDefaults) defaults[name] = await evaluateTyped(RED, node, msg, typed);
    return defaults;
  };
  /** One input read and its settings validated: a validation error gets the input's context here, once. */
  const prepare = (value: unknown, defaults: ItemSettings, itemLabel: string, index?: number): P =>
    withInputContext(itemLabel, index, () => operation.prepare(readItem(value, subject, accepted, itemLabel, index), defaults));

  node.on('input', (msg, send, done) => {
    const context: RunContext = { force: msg.force === true };
    // "requesting" only once the input passed validation and a request went to the client.
    const work = async (message: InputMessage): Promise<RequestOutcome> => {
      const value = itemsOrLookedUp(msg, input, label, await evaluateTyped(RED, node, msg, input));
      const defaults = await readDefaults(msg);
      if (Array.isArray(value)) {
        checkBatchSize(value, label);
        const items = value.map((item: unknown, index) => prepare(item, defaults, `${label}[${index}]`, index));
        const tie = linked.link.tie();
        if (items.length > 0) message.started();
        return runBatch(items, operation.extraKeys, (item) => run(tie, item, context), batch, message);
      }
      const prepared = prepare(value, defaults, label);
      const tie = linked.link.tie();
      message.started();
      const result = await run(tie, prepared, context);
      const outcome: RequestOutcome = { payload: result.payload, extras: result.extras, warnings: result.warning ? [result.warning] : [] };
      if (result.note !== undefined) outcome.note = result.note;
      if (result.wrote !== undefined) outcome.wrote = result.wrote;
      return outcome;
    };
    linked.run(msg, send, done, work, (outcome) => {
      msg.payload = outcome.payload;
      Object.assign(msg, outcome.extras);
      if (outcome.errors !== undefined) msg.errors = outcome.errors;
      for (const warning of outcome.warnings) warn(warning);
      return { note: outcome.note, wrote: outcome.wrote };
    });
  });
}

/**
 * Registers a request node type: each node reads its declared properties (readNodeProperties) and
 * goes on its road with what `spec` makes of them.
 */
export function registerRequestNode<T extends Properties, P>(
  RED: NodeRedApi,
  type: string,
  properties: T,
  spec: (settings: PropertyValues<T>) => RequestNodeSpec<P>,
): void {
  const items = itemSettingsOf(type, properties);
  registerFlowNode(RED, type, properties, (node, settings) => setupRequestNode(RED, node, spec(settings), items));
}

/** The properties declared as an item's own settings; each must be one the item reader knows. */
function itemSettingsOf(type: string, properties: Properties): ItemSettingName[] {
  const known = (name: string): name is ItemSettingName => (ITEM_SETTINGS as readonly string[]).includes(name);
  return Object.entries(properties).flatMap(([name, property]): ItemSettingName[] => {
    if (property.kind !== 'typed' || property.item !== true) return [];
    if (!known(name)) throw new Error(`${type}.${name}: an item setting not among ${ITEM_SETTINGS.join(', ')}`);
    return [name];
  });
}

/** The node's TypedInputs that an item's own setting overrides. */
function itemDefaults(settings: RequestSettings, items: readonly ItemSettingName[]): Array<[ItemSettingName, TypedValue]> {
  return items.flatMap((name): Array<[ItemSettingName, TypedValue]> => {
    const typed = settings[name];
    return typed === undefined ? [] : [[name, typed]];
  });
}

// ---- batches ----

interface BatchSettings {
  /** Items in flight at most (≥ 1). */
  concurrency: number;
  /** 'fail' mode: start no further item once one has failed, and fail the message with the first failure by position. */
  stopOnError: boolean;
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * `results[i]` is the outcome of `items[i]`, whatever order they finish in; `undefined` only for
 * items never started because of `stopOnError`. `onProgress` hears each item settle.
 */
export async function runOrdered<I, T>(
  items: readonly I[],
  worker: (item: I, index: number) => Promise<T>,
  options: { concurrency: number; stopOnError?: boolean; onProgress?: (settled: number, total: number) => void },
): Promise<Array<Settled<T> | undefined>> {
  const results: Array<Settled<T> | undefined> = new Array<Settled<T> | undefined>(items.length).fill(undefined);
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  let next = 0;
  let settled = 0;
  let failed = false;

  const lane = async (): Promise<void> => {
    while (next < items.length && !(failed && options.stopOnError)) {
      const index = next++;
      try {
        results[index] = { ok: true, value: await worker(items[index], index) };
      } catch (error) {
        results[index] = { ok: false, error };
        failed = true;
      }
      settled++;
      options.onProgress?.(settled, items.length);
    }
  };

  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}

/** Runs a validated batch and gathers its outcome: arrays parallel to the input, in input order. */
async function runBatch<P>(
  items: readonly P[],
  extraKeys: readonly string[],
  runItem: (item: P) => Promise<OperationResult>,
  settings: BatchSettings,
  message: InputMessage,
): Promise<RequestOutcome> {
  const total = items.length;
  const results: Array<Settled<OperationResult> | undefined> = await runOrdered(items, runItem, {
    ...settings,
    onProgress: (settled, count) => message.progress(settled, count),
  });

  if (settings.stopOnError) {
    const index = results.findIndex((result) => result !== undefined && !result.ok);
    const failure = results[index];
    if (failure !== undefined && !failure.ok) throw toNodeError(failure.error, { index, total });
  }

  const payload: unknown[] = [];
  const extras: Record<string, unknown[]> = {};
  for (const key of extraKeys) extras[key] = [];
  const errors: Array<ReturnType<TieNodeError['toJSON']>> = [];
  const warnings = new Map<string, UserText>();
  let note: UserText | undefined;
  let wrote: UserText | undefined;
  results.forEach((result, index) => {
    if (result !== undefined && result.ok) {
      payload.push(result.value.payload);
      if (result.value.wrote !== undefined) wrote = result.value.wrote;
      for (const key of extraKeys) extras[key].push(result.value.extras[key] ?? null);
      if (result.value.warning) warnings.set(result.value.warning.key, result.value.warning);
      if (result.value.note !== undefined) note = result.value.note;
    } else {
      payload.push(null);
      for (const key of extraKeys) extras[key].push(null);
      if (result !== undefined) errors.push(toNodeError(result.error, { index, total }).toJSON());
    }
  });
  const outcome: RequestOutcome = { payload, extras, warnings: [...warnings.values()] };
  if (!settings.stopOnError) outcome.errors = errors;
  if (note !== undefined) outcome.note = note;
  if (wrote !== undefined) outcome.wrote = wrote;
  return outcome;
}

// ---- writes ----

/**
 * What a set node's status shows of its writes: a dry run (its own, or its tie-config's, told by
 * the TIE client) and the tie-config's write queue, followed on the TIE client the node writes through.
 */
function watchWrites(
  node: NodeInstance,
  guard: WriteGuard,
): {
  dryRun(): boolean;
  queued(): number;
  follow(linked: InputLink): void;
  watch(tie: TieClient): void;
} {
  let linked: InputLink | undefined;
  let watched: TieClient | undefined;
  let stop: (() => void) | undefined;
  let queued = 0;
  const watch = (tie: TieClient): void => {
    if (tie === watched) return;
    stop?.();
    watched = tie;
    queued = tie.writeLimiter?.queued ?? 0;
    stop = tie.writeLimiter?.onQueueChange((count) => {
      queued = count;
      linked?.changed();
    });
    linked?.changed();
  };
  node.on('close', () => stop?.());
  return {
    dryRun: () => guard.dryRun || watched?.dryRun === true,
    queued: () => queued,
    follow(link) {
      linked = link;
      // The tie-config's dry run shows from the start: the connection opened when the node linked to it.
      try {
        watch(link.link.tie());
      } catch {
        // No usable tie-config: the status says so.
      }
    },
    watch,
  };
}

/** The audit line of a write, in the runtime's language. */
function auditLine(translate: Translate, node: NodeInstance, entry: WriteAudit): string {
  const level = (trustLevel: number): string =>
    isTrustLevel(trustLevel) ? `${translate(userText(`tie.trustLevel.${trustLevel}`))} (${trustLevel})` : String(trustLevel);
  const params = {
    node: node.id,
    subject: translate(userText(`tie.log.subject.${entry.subject}`)),
    hash: entry.hash,
    provider: `${providerName(entry.providerId)} (${entry.providerId})`,
    before: entry.before === undefined ? translate(userText('tie.log.levelUnknown')) : level(entry.before),
    after: level(entry.after),
  };
  const line = translate(userText(entry.dryRun ? 'tie.log.writeDryRun' : 'tie.log.write', params));
  return entry.forced ? `${line} ${translate(userText('tie.log.writeForced'))}` : line;
}
