/** tie-set-reputation's editor: an Enterprise override of a file's or a certificate's trust level. */
import { nameOf, subjectOf } from './common';
import type { Dollar, EditorRED, NodeTypeDefinition } from './red';
import { registerNode } from './connection';
import { requestNode, typedSettings } from './request-node';
import { TEXT_TYPES, trustLevelTypes, typed } from './typed-inputs';
import { prepareWriteRows, writeDefaults, writeLabel } from './write-settings';

const TYPE = 'tie-set-reputation';

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  return requestNode(RED, $, TYPE, {
    defaults: {
      ...typedSettings(RED, 'trustLevel', 'filename', 'comment'),
      subject: { value: 'file' },
      ...writeDefaults(RED, TYPE),
    },
    label() {
      const name = nameOf(this);
      if (name !== undefined) return writeLabel(RED, this, name);
      const what = this._(`${TYPE}.default.${subjectOf(this)}`);
      return writeLabel(RED, this, this.trustLevelType === 'tie-level' ? `${what} = ${String(this.trustLevel)}` : what);
    },
    oneditprepare() {
      typed($, 'trustLevel', trustLevelTypes(this._, true));
      typed($, 'filename', TEXT_TYPES);
      typed($, 'comment', TEXT_TYPES);
      prepareWriteRows($);
      // Certificates have no file name.
      const subject = $('#node-input-subject');
      subject.on('change', () => $('.tie-set-filename-row').toggle(subject.val() !== 'certificate')).trigger('change');
    },
  });
}

export function register(RED: EditorRED, $: Dollar): void {
  registerNode(RED, TYPE, definition(RED, $));
}
