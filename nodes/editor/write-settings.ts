/**
 * What the two set nodes' editors share: the guard of their writes (dry run, the safety net for
 * known-good files, what to do over the connection's write limit, read-back) and the label that
 * shows a dry run, the node's own or its connection's.
 */
import { SETTINGS } from '../kit/settings';
import { settingValidator, withMessage } from './common';
import type { Dollar, EditorNode, EditorRED, PropertySpec } from './red';

export function writeDefaults(RED: EditorRED, type: string): Record<string, PropertySpec> {
  const verifyTimeout = settingValidator(RED, type, SETTINGS.verifyTimeout);
  return {
    dryRun: { value: false },
    // On for a node dragged from the palette; a node deployed before the setting has none: off.
    protectTrusted: { value: true },
    whenLimited: { value: 'wait' },
    verify: { value: false },
    verifyTimeout: {
      value: SETTINGS.verifyTimeout.blank,
      validate: withMessage(function (v) {
        return this.verify !== true || verifyTimeout.call(this, v);
      }),
    },
  };
}

/** The node's writes are dry runs: its own setting, or its connection's. */
export function isDryRun(RED: EditorRED, node: EditorNode): boolean {
  if (node.dryRun === true) return true;
  const config = typeof node.connection === 'string' ? RED.nodes.node(node.connection) : undefined;
  return config?.writeDryRun === true;
}

/** The label with "(dry run)" after it when the node's writes are dry runs. */
export function writeLabel(RED: EditorRED, node: EditorNode, label: string): string {
  return isDryRun(RED, node) ? `${label} (${node._('tie.label.dryRunTag')})` : label;
}

export function prepareWriteRows($: Dollar): void {
  $('#node-input-verifyTimeout')
    .attr('min', 0)
    .attr('max', SETTINGS.verifyTimeout.kind.max)
    .attr('placeholder', SETTINGS.verifyTimeout.blank);
  const verify = $('#node-input-verify');
  verify.on('change', () => $('.tie-set-verify-row').toggle(verify.is(':checked'))).trigger('change');
}
