/** tie-set-reputation's editor: an Enterprise override of a file's or a certificate's trust level. */
import { subjectOf } from './common';
import type { Dollar, EditorRED, NodeTypeDefinition } from './red';
import { registerNode } from './connection';
import { requestNode } from './request-node';
import { TEXT_TYPES, trustLevelTypes, typed } from './typed-inputs';

const TYPE = 'tie-set-reputation';

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  return requestNode(RED, $, TYPE, {
    defaults: {
      subject: { value: 'file' },
      trustLevel: { value: 'trustLevel', validate: RED.validators.typedInput('trustLevelType') },
      trustLevelType: { value: 'msg' },
      filename: { value: 'filename', validate: RED.validators.typedInput('filenameType') },
      filenameType: { value: 'msg' },
      comment: { value: 'comment', validate: RED.validators.typedInput('commentType') },
      commentType: { value: 'msg' },
    },
    label() {
      if (typeof this.name === 'string' && this.name) return this.name;
      const what = this._(`${TYPE}.default.${subjectOf(this)}`);
      return this.trustLevelType === 'tie-level' ? `${what} = ${String(this.trustLevel)}` : what;
    },
    oneditprepare() {
      typed($, 'trustLevel', trustLevelTypes(this._, true));
      typed($, 'filename', TEXT_TYPES);
      typed($, 'comment', TEXT_TYPES);
      // Certificates have no file name.
      const subject = $('#node-input-subject');
      subject.on('change', () => $('.tie-set-filename-row').toggle(subject.val() !== 'certificate')).trigger('change');
    },
  });
}

export function register(RED: EditorRED, $: Dollar): void {
  registerNode(RED, TYPE, definition(RED, $));
}
