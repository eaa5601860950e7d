/**
 * The behaviour every request node shares: read the input (TypedInput), run the operation on one
 * item or a batch, put the result in msg.payload and the decoded extras beside it, and end every
 * message in exactly one done() or done(err) — err carrying a stable `code` for Catch nodes.
 */
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../../src/flow/limits';
import type { ItemSettingName, ItemSettings, Subject } from '../../src/flow/items';
import type { RequestOperation } from '../../src/flow/operations';
import { type BatchErrorMode, runRequest } from '../../src/flow/request-runner';
import { NO_CONFIG_STATUS, RequestActivity } from '../../src/flow/status';
import { settingInteger } from '../../src/flow/values';
import { linkToConfig } from './config-link';
import { endInput } from './input-end';
import type { NodeDefinition, NodeInstance, NodeMessage, NodeRedApi } from './node-red-types';
import { translator } from './node-text';
import { statusSetter, warnOnce } from './node-status';
import { type TypedValue, evaluateTyped, typedLabel } from './typed-input';

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

export function setupRequestNode<D extends RequestNodeDefinition, P>(
  RED: NodeRedApi,
  node: NodeInstance,
  definition: D,
  spec: RequestNodeSpec<D, P>,
): void {
  const translate = translator(RED);
  const setStatus = statusSetter(node, translate);
  const warn = warnOnce(node);
  const activity = new RequestActivity();
  const link = linkToConfig(RED, node, definition.connection, (state) => setStatus(activity.status(state)));
  const refresh = (): void => setStatus(link.connection ? activity.status(link.state) : NO_CONFIG_STATUS);
  if (!link.connection) setStatus(NO_CONFIG_STATUS);

  const operation = spec.operation(definition);
  const subject: Subject = definition.subject === 'certificate' ? 'certificate' : 'file';
  const input: TypedValue = { value: definition.input || 'payload', type: definition.inputType || 'msg' };
  const typedDefaults = spec.defaults?.(definition) ?? {};
  const runOptions = {
    subject,
    label: typedLabel(input),
    concurrency: settingInteger(definition.concurrency, DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY),
    batchErrors: definition.batchErrors === 'report' ? 'report' : 'fail',
  } as const;

  const hasTypedDefaults = Object.keys(typedDefaults).length > 0;
  const readDefaults = async (msg: NodeMessage): Promise<ItemSettings> => {
    const defaults: ItemSettings = {};
    for (const [name, typed] of Object.entries(typedDefaults) as Array<[ItemSettingName, TypedValue]>) {
      defaults[name] = await evaluateTyped(RED, node, msg, typed);
    }
    return defaults;
  };

  node.on('input', (msg, send, done) => {
    // "requesting" only once the input passed validation and a request went to the client.
    let sent = false;
    const work = async () => {
      const value = await evaluateTyped(RED, node, msg, input);
      const defaults = hasTypedDefaults ? await readDefaults(msg) : {};
      return runRequest(value, operation, () => link.tie(), defaults, {
        ...runOptions,
        onSending: () => {
          sent = true;
          activity.started();
          refresh();
        },
        onProgress: (settled, total) => {
          activity.progress(settled, total);
          refresh();
        },
      });
    };
    endInput(work(), msg, send, done, {
      succeeded: (outcome) => {
        msg.payload = outcome.payload;
        Object.assign(msg, outcome.extras);
        if (outcome.errors !== undefined) msg.errors = outcome.errors;
        for (const warning of outcome.warnings) warn(translate(warning));
        activity.finished(outcome.note === undefined ? {} : { note: outcome.note }, sent);
        refresh();
      },
      failed: (failure) => {
        activity.finished({ errorCode: failure.code }, sent);
        refresh();
      },
    });
  });

  node.on('close', (removed, done) => {
    link.release(removed).then(
      () => done(),
      () => done(),
    );
  });
}
