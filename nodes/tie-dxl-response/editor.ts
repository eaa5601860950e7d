/** tie-dxl-response's editor: no connection (the msg says which request it answers), as HTTP response. */
import { dxlNode } from '../editor/dxl-node';
import type { Dollar, EditorRED, NodeTypeDefinition } from '../editor/red';
import { PROPERTIES, TYPE } from './properties';

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  return dxlNode(RED, $, TYPE, PROPERTIES, {
    inputs: 1,
    outputs: 0,
    shows: (node) => (node.respond === 'error' ? node._(`${TYPE}.errorLabel`) : undefined),
    oneditprepare() {
      const respond = $('#node-input-respond');
      respond.on('change', () => $(`.${PROPERTIES.errorCode.rowClass ?? ''}`).toggle(respond.val() === 'error')).trigger('change');
    },
  });
}

export function register(RED: EditorRED, $: Dollar): void {
  RED.nodes.registerType(TYPE, definition(RED, $));
}
