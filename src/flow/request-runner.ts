/**
 * Runs a request operation on a node's input: one item, or a batch (an array) with bounded
 * concurrency whose results come back in input order.
 */
import type { TieClient } from '../tie/client';
import { runOrdered } from './batch';
import { type TieNodeError, toNodeError } from './errors';
import { type ItemSettings, type Subject, checkBatchSize, readInput, readItem } from './items';
import type { OperationResult, RequestOperation } from './operations';
import type { UserText } from './text';

/** What to do when items of a batch fail. */
export type BatchErrorMode =
  /** Stop starting items and fail the whole message (Catch gets the first failure by position). */
  | 'fail'
  /** Finish every item; failed ones give null in msg.payload and an entry in msg.errors. */
  | 'report';

export interface RunRequestOptions {
  subject: Subject;
  /** Where the input came from, for messages: "msg.payload". */
  label: string;
  concurrency: number;
  batchErrors: BatchErrorMode;
  /** Progress of a batch, item by item. */
  onProgress?: (settled: number, total: number) => void;
  /** Called once, when the input passed validation and the first request is handed to the client. */
  onSending?: () => void;
}

export interface RequestOutcome {
  payload: unknown;
  /** msg properties to set; arrays parallel to msg.payload for a batch. */
  extras: Record<string, unknown>;
  /** Batch items that failed, in 'report' mode. */
  errors?: Array<ReturnType<TieNodeError['toJSON']>>;
  /** The status note of the last item, if any. */
  note?: UserText;
  warnings: UserText[];
}

/**
 * One item → its result. An array → results in input order; every item is validated before
 * any is sent. Rejects with a TieNodeError (stable `code`; `index` for a batch item).
 */
export async function runRequest<P>(
  input: unknown,
  operation: RequestOperation<P>,
  tie: () => TieClient,
  defaults: ItemSettings,
  options: RunRequestOptions,
): Promise<RequestOutcome> {
  const accepted = operation.settingsFor(options.subject);
  /** One input read and its settings validated: a validation error gets the input's context here, once. */
  const prepare = (value: unknown, label: string, index?: number): P =>
    readInput(label, index, () => operation.prepare(readItem(value, options.subject, accepted, label, index), defaults));
  if (!Array.isArray(input)) {
    let result: OperationResult;
    try {
      const prepared = prepare(input, options.label);
      const client = tie();
      options.onSending?.();
      result = await operation.run(client, prepared);
    } catch (error) {
      throw toNodeError(error);
    }
    const outcome: RequestOutcome = { payload: result.payload, extras: result.extras, warnings: result.warning ? [result.warning] : [] };
    if (result.note !== undefined) outcome.note = result.note;
    return outcome;
  }

  let prepared: P[];
  let client: TieClient;
  try {
    checkBatchSize(input, options.label);
    prepared = input.map((value: unknown, index) => prepare(value, `${options.label}[${index}]`, index));
    client = tie();
  } catch (error) {
    throw toNodeError(error);
  }
  if (prepared.length > 0) options.onSending?.();
  const total = prepared.length;
  const batchOptions = { concurrency: options.concurrency, stopOnError: options.batchErrors === 'fail' } as const;
  const results = await runOrdered(prepared, (item) => operation.run(client, item), {
    ...batchOptions,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });

  if (options.batchErrors === 'fail') {
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
  if (options.batchErrors === 'report') outcome.errors = errors;
  if (note !== undefined) outcome.note = note;
  return outcome;
}
