/** tie-set-external-reputation's editor: the External provider's trust level of a file. */
import { nameOf } from './common';
import type { Dollar, EditorRED, NodeTypeDefinition } from './red';
import { registerNode } from './connection';
import { requestNode, typedSettings } from './request-node';
import { TEXT_TYPES, fileTypeTypes, trustLevelTypes, typed } from './typed-inputs';
import { prepareWriteRows, writeDefaults, writeLabel } from './write-settings';

const TYPE = 'tie-set-external-reputation';

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  return requestNode(RED, $, TYPE, {
    defaults: {
      ...typedSettings(RED, 'trustLevel', 'fileType', 'filename', 'comment'),
      checkFirst: { value: true },
      ...writeDefaults(RED, TYPE),
    },
    label() {
      const name = nameOf(this);
      if (name !== undefined) return writeLabel(RED, this, name);
      const what = this._(`${TYPE}.default`);
      return writeLabel(RED, this, this.trustLevelType === 'tie-level' ? `${what} = ${String(this.trustLevel)}` : what);
    },
    oneditprepare() {
      typed($, 'trustLevel', trustLevelTypes(this._, false));
      typed($, 'fileType', fileTypeTypes(this._));
      typed($, 'filename', TEXT_TYPES);
      typed($, 'comment', TEXT_TYPES);
      prepareWriteRows($);
    },
  });
}

export function register(RED: EditorRED, $: Dollar): void {
  registerNode(RED, TYPE, definition(RED, $));
}
