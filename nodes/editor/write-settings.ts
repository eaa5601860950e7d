/**
 * What the two set nodes' editors share: the label that shows a dry run, the node's own or its
 * connection's, and the read-back's time shown only when read-back is on.
 */
import { VERIFY_TIMEOUT } from '../kit/common-properties';
import type { Dollar, EditorNode, EditorRED } from './red';

/** The node's writes are dry runs: its own setting, or its connection's. */
export function isDryRun(RED: EditorRED, node: EditorNode): boolean {
  if (node.dryRun === true) return true;
  const config = typeof node.connection === 'string' ? RED.nodes.node(node.connection) : undefined;
  return config?.writeDryRun === true;
}

/** A set node's label: its name, else "<what> = <level>" for a level picked from the list; "(dry run)" after it when its writes are dry runs. */
export function writeLabel(RED: EditorRED, node: EditorNode, what: string): string {
  const label =
    typeof node.name === 'string' && node.name !== ''
      ? node.name
      : node.trustLevelType === 'tie-level'
        ? `${what} = ${String(node.trustLevel)}`
        : what;
  return isDryRun(RED, node) ? `${label} (${node._('tie.label.dryRunTag')})` : label;
}

export function prepareWriteRows($: Dollar): void {
  $('#node-input-verifyTimeout').attr('placeholder', String(VERIFY_TIMEOUT.setting.blank));
  const verify = $('#node-input-verify');
  verify.on('change', () => $(`.${VERIFY_TIMEOUT.rowClass ?? ''}`).toggle(verify.is(':checked'))).trigger('change');
}
