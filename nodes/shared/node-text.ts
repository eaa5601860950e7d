/**
 * Texts for the user from src/flow (catalogue keys with parameters): RED._ of a node module looks
 * keys up in that node set's catalogue (in the runtime's language), where the build merged the
 * shared "tie." keys.
 */
import type { NodeStatus } from '../../src/flow/status';
import type { UserText } from '../../src/flow/text';
import type { NodeRedApi, ShownStatus } from './node-red-types';

export type Translate = (text: UserText) => string;

export function translator(RED: Pick<NodeRedApi, '_'>): Translate {
  return (text) => (text.params === undefined ? RED._(text.key) : RED._(text.key, text.params));
}

/**
 * A status for node.status. A text without parameters goes as its key: the editor looks a status
 * text up in the node's catalogue (red.js, the "status/#" handler), so each user reads it in the
 * language of their own editor, as with Node-RED's own status keys. A text with parameters
 * ("batch 3/10") is translated here, in the runtime's language.
 */
export function shownStatus(status: NodeStatus, translate: Translate): ShownStatus {
  const shown: ShownStatus = {};
  if (status.fill !== undefined) shown.fill = status.fill;
  if (status.shape !== undefined) shown.shape = status.shape;
  if (status.text !== undefined) shown.text = status.text.params === undefined ? status.text.key : translate(status.text);
  return shown;
}
