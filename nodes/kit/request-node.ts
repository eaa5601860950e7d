/**
 * The road of every TIE request node, per message: read the input (TypedInput), read and validate
 * its item, or every item of a batch (an array) before anything is sent, run the operation on the
 * TIE client (a batch with bounded concurrency, its results in input order), put the result in
 * msg.payload and the decoded extras beside it, and end the message (input.ts).
 */
import { type TieNodeError, toNodeError } from './errors';
import { type InputLink, type TypedValue, evaluateTyped, finishMessage, linkInputNode, typedLabel } from './input';
import { type ItemSettingName, type ItemSettings, type Subject, checkBatchSize, readItem, withInputContext } from './items';
import type { NodeDefinition, NodeInstance, NodeMessage, NodeRedApi } from './node-red';
import type { OperationResult, RequestOperation } from './operations';
import { translator, warnOnce } from './status';
import type { UserText } from './text';
import { SETTINGS } from './settings';
import { nodeSetting } from './values';
import type { TieClient } from '../../src/tie/client';

/** What to do when items of a batch fail. */
export type BatchErrorMode =
  /** Stop starting items and fail the whole message (Catch gets the first failure by position). */
  | 'fail'
  /** Finish every item; failed ones give null in msg.payload and an entry in msg.errors. */
  | 'report';

/** Properties all request nodes have. */
export interface RequestNodeDefinition extends NodeDefinition {
  /** The tie-config node's id. */
  connection?: string;
  subject?: Subject;
  /** Where the hashes come from (TypedInput); default msg.payload. */
  input?: string;
  inputType?: string;
  /** Batch items in flight at most. Default 4. */
  concurrency?: number | string;
  batchErrors?: BatchErrorMode;
}

export interface RequestNodeSpec<D extends RequestNodeDefinition, P> {
  operation: (definition: D) => RequestOperation<P>;
  /** The node's settings that items may override, as TypedInputs read per message. */
  defaults?: (definition: D) => Partial<Record<ItemSettingName, TypedValue>>;
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
  warnings: readonly UserText[];
}

const NO_SETTINGS: ItemSettings = Object.freeze({});

export function setupRequestNode<D extends RequestNodeDefinition, P>(
  RED: NodeRedApi,
  node: NodeInstance,
  definition: D,
  spec: RequestNodeSpec<D, P>,
): void {
  const warn = warnOnce(node, translator(RED));
  const linked = linkInputNode(RED, node, definition.connection, 'tie');
  const operation = spec.operation(definition);
  const subject: Subject = definition.subject === 'certificate' ? 'certificate' : 'file';
  const accepted = operation.settingsFor(subject);
  const input: TypedValue = { value: definition.input || 'payload', type: definition.inputType || 'msg' };
  const label = typedLabel(input);
  const typedDefaults = Object.entries(spec.defaults?.(definition) ?? {}) as Array<[ItemSettingName, TypedValue]>;
  const batch: BatchSettings = {
    concurrency: nodeSetting(RED, node, 'concurrency', definition.concurrency) ?? SETTINGS.concurrency.blank,
    stopOnError: definition.batchErrors !== 'report',
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
    // "requesting" only once the input passed validation and a request went to the client.
    let sent = false;
    const work = async (): Promise<RequestOutcome> => {
      const value = await evaluateTyped(RED, node, msg, input);
      const defaults = await readDefaults(msg);
      if (Array.isArray(value)) {
        checkBatchSize(value, label);
        const items = value.map((item: unknown, index) => prepare(item, defaults, `${label}[${index}]`, index));
        const tie = linked.link.tie();
        if (items.length > 0) {
          sent = true;
          linked.started();
        }
        return runBatch(items, operation, tie, batch, linked);
      }
      const prepared = prepare(value, defaults, label);
      const tie = linked.link.tie();
      sent = true;
      linked.started();
      const result = await operation.run(tie, prepared);
      const outcome: RequestOutcome = { payload: result.payload, extras: result.extras, warnings: result.warning ? [result.warning] : [] };
      if (result.note !== undefined) outcome.note = result.note;
      return outcome;
    };
    finishMessage(work(), msg, send, done, {
      succeeded: (outcome) => {
        msg.payload = outcome.payload;
        Object.assign(msg, outcome.extras);
        if (outcome.errors !== undefined) msg.errors = outcome.errors;
        for (const warning of outcome.warnings) warn(warning);
        linked.finished(outcome.note === undefined ? {} : { note: outcome.note }, sent);
      },
      failed: (failure) => linked.finished({ errorCode: failure.code }, sent),
    });
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
  operation: RequestOperation<P>,
  tie: TieClient,
  settings: BatchSettings,
  linked: InputLink,
): Promise<RequestOutcome> {
  const total = items.length;
  const results: Array<Settled<OperationResult> | undefined> = await runOrdered(items, (item) => operation.run(tie, item), {
    ...settings,
    onProgress: (settled, count) => linked.progress(settled, count),
  });

  if (settings.stopOnError) {
    const index = results.findIndex((result) => result !== undefined && !result.ok);
    const failure = results[index];
    if (failure !== undefined && !failure.ok) throw toNodeError(failure.error, { index, total });
  }

  const payload: unknown[] = [];
  const extras: Record<string, unknown[]> = {};
  for (const key of operation.extraKeys) extras[key] = [];
  const errors: Array<ReturnType<TieNodeError['toJSON']>> = [];
  const warnings = new Map<string, UserText>();
  let note: UserText | undefined;
  results.forEach((result, index) => {
    if (result !== undefined && result.ok) {
      payload.push(result.value.payload);
      for (const key of operation.extraKeys) extras[key].push(result.value.extras[key] ?? null);
      if (result.value.warning) warnings.set(result.value.warning.key, result.value.warning);
      if (result.value.note !== undefined) note = result.value.note;
    } else {
      payload.push(null);
      for (const key of operation.extraKeys) extras[key].push(null);
      if (result !== undefined) errors.push(toNodeError(result.error, { index, total }).toJSON());
    }
  });
  const outcome: RequestOutcome = { payload, extras, warnings: [...warnings.values()] };
  if (!settings.stopOnError) outcome.errors = errors;
  if (note !== undefined) outcome.note = note;
  return outcome;
}
