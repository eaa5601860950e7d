/** tie-set-external-reputation's editor: the External provider's trust level of a file. */
import type { Dollar, EditorRED, NodeTypeDefinition } from './red';
import { registerNode } from './connection';
import { requestNode } from './request-node';
import { TEXT_TYPES, fileTypeTypes, trustLevelTypes, typed } from './typed-inputs';

const TYPE = 'tie-set-external-reputation';

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  return requestNode(RED, $, TYPE, {
    defaults: {
      trustLevel: { value: 'trustLevel', validate: RED.validators.typedInput('trustLevelType') },
      trustLevelType: { value: 'msg' },
      fileType: { value: 'fileType', validate: RED.validators.typedInput('fileTypeType') },
      fileTypeType: { value: 'msg' },
      filename: { value: 'filename', validate: RED.validators.typedInput('filenameType') },
      filenameType: { value: 'msg' },
      comment: { value: 'comment', validate: RED.validators.typedInput('commentType') },
      commentType: { value: 'msg' },
      checkFirst: { value: true },
    },
    label() {
      if (typeof this.name === 'string' && this.name) return this.name;
      const what = this._(`${TYPE}.default`);
      return this.trustLevelType === 'tie-level' ? `${what} = ${String(this.trustLevel)}` : what;
    },
    oneditprepare() {
      typed($, 'trustLevel', trustLevelTypes(this._, false));
      typed($, 'fileType', fileTypeTypes(this._));
      typed($, 'filename', TEXT_TYPES);
      typed($, 'comment', TEXT_TYPES);
    },
  });
}

export function register(RED: EditorRED, $: Dollar): void {
  registerNode(RED, TYPE, definition(RED, $));
}
