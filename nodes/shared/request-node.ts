/**
 * The behaviour every request node shares: read the input (TypedInput), run the operation on one
 * item or a batch, put the result in msg.payload and the decoded extras beside it, and end every
 * message in exactly one done() or done(err) — err carrying a stable `code` for Catch nodes.
 */
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../../src/flow/limits';
import type { ItemSettingName, ItemSettings, Subject } from '../../src/flow/items';
import type { RequestOperation } from '../../src/flow/operations';
import { type BatchErrorMode, runRequest } from '../../src/flow/request-runner';
import { settingInteger } from '../../src/flow/values';
import { endInput } from './input-end';
import { linkInputNode } from './linked-input';
import type { NodeDefinition, NodeInstance, NodeMessage, NodeRedApi } from './node-red-types';
import { translator } from './node-text';
import { warnOnce } from './node-status';
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
  const warn = warnOnce(node);
  const linked = linkInputNode(RED, node, definition.connection, 'tie');

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
      return runRequest(value, operation, () => linked.link.tie(), defaults, {
        ...runOptions,
        onSending: () => {
          sent = true;
          linked.started();
        },
        onProgress: (settled, total) => linked.progress(settled, total),
      });
    };
    endInput(work(), msg, send, done, {
      succeeded: (outcome) => {
        msg.payload = outcome.payload;
        Object.assign(msg, outcome.extras);
        if (outcome.errors !== undefined) msg.errors = outcome.errors;
        for (const warning of outcome.warnings) warn(translate(warning));
        linked.finished(outcome.note === undefined ? {} : { note: outcome.note }, sent);
      },
      failed: (failure) => linked.finished({ errorCode: failure.code }, sent),
    });
  });
}
