/** tie-set-reputation's editor: an Enterprise override of a file's or a certificate's trust level. */
import type { Dollar, EditorRED, NodeTypeDefinition } from '../editor/red';
import { registerNode } from '../editor/connection';
import { requestNode } from '../editor/request-node';
import { prepareWriteRows, writeLabel } from '../editor/write-settings';
import { choiceOf } from '../kit/properties';
import { PROPERTIES, TYPE } from './properties';

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  return requestNode(RED, $, TYPE, PROPERTIES, {
    label() {
      return writeLabel(RED, this, this._(`${TYPE}.default.${choiceOf(PROPERTIES.subject, this.subject)}`));
    },
    oneditprepare() {
      prepareWriteRows($);
      const subject = $('#node-input-subject');
      subject.on('change', () => $(`.${PROPERTIES.filename.rowClass}`).toggle(subject.val() !== 'certificate')).trigger('change');
    },
  });
}

export function register(RED: EditorRED, $: Dollar): void {
  registerNode(RED, TYPE, definition(RED, $));
}
