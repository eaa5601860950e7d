/** tie-set-external-reputation's editor: the External provider's trust level of a file. */
import type { Dollar, EditorRED, NodeTypeDefinition } from '../editor/red';
import { registerNode } from '../editor/connection';
import { requestNode } from '../editor/request-node';
import { prepareWriteRows, writeLabel } from '../editor/write-settings';
import { PROPERTIES, TYPE } from './properties';

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  return requestNode(RED, $, TYPE, PROPERTIES, {
    label() {
      return writeLabel(RED, this, this._(`${TYPE}.default`));
    },
    oneditprepare() {
      prepareWriteRows($);
    },
  });
}

export function register(RED: EditorRED, $: Dollar): void {
  registerNode(RED, TYPE, definition(RED, $));
}
