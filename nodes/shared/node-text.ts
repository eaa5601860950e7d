/**
 * Texts for the user from src/flow (catalogue keys with parameters), in the runtime's language:
 * RED._ of a node module looks keys up in that node set's catalogue, where the build merged the
 * shared "tie." keys.
 */
import type { NodeStatus } from '../../src/flow/status';
import type { UserText } from '../../src/flow/text';
import type { NodeRedApi, ShownStatus } from './node-red-types';

export type Translate = (text: UserText) => string;

export function translator(RED: Pick<NodeRedApi, '_'>): Translate {
  return (text) => (text.params === undefined ? RED._(text.key) : RED._(text.key, text.params));
}

export function shownStatus(status: NodeStatus, translate: Translate): ShownStatus {
  const shown: ShownStatus = {};
  if (status.fill !== undefined) shown.fill = status.fill;
  if (status.shape !== undefined) shown.shape = status.shape;
  if (status.text !== undefined) shown.text = translate(status.text);
  return shown;
}
