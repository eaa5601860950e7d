/**
 * A node with an input that works on a tie-config connection (the TIE request nodes, dxl request,
 * dxl event out): its status shows the connection and what the node is doing, and it leaves the
 * connection when it closes.
 */
import type { ServiceKind } from '../../src/flow/errors';
import { NO_CONFIG_STATUS, RequestActivity } from '../../src/flow/status';
import type { UserText } from '../../src/flow/text';
import { type ConfigLink, linkToConfig } from './config-link';
import type { NodeInstance, NodeRedApi } from './node-red-types';
import { translator } from './node-text';
import { statusSetter } from './node-status';

export interface LinkedInput {
  readonly link: ConfigLink;
  /** A message's work went on the wire: counted in the status until it finishes. */
  started(): void;
  /** How far a batch is. */
  progress(settled: number, total: number): void;
  /** A message ended; `sent` says whether it had started. */
  finished(outcome: { errorCode?: string; note?: UserText }, sent: boolean): void;
}

export function linkInputNode(RED: NodeRedApi, node: NodeInstance, configId: string | undefined, kind: ServiceKind): LinkedInput {
  const setStatus = statusSetter(node, translator(RED));
  const activity = new RequestActivity(kind);
  const link = linkToConfig(RED, node, configId, (state) => setStatus(activity.status(state)));
  const refresh = (): void => setStatus(link.connection ? activity.status(link.state) : NO_CONFIG_STATUS);
  if (!link.connection) setStatus(NO_CONFIG_STATUS);
  node.on('close', (removed, done) => {
    link.release(removed).then(
      () => done(),
      () => done(),
    );
  });
  return {
    link,
    started() {
      activity.started();
      refresh();
    },
    progress(settled, total) {
      activity.progress(settled, total);
      refresh();
    },
    finished(outcome, sent) {
      activity.finished(outcome, sent);
      refresh();
    },
  };
}
