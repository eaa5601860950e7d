/** tie-dxl-request's editor. */
import { dxlNode, topicValidator } from '../editor/dxl-node';
import type { Dollar, EditorRED, NodeTypeDefinition } from '../editor/red';
import { registerNode } from '../editor/connection';
import { PROPERTIES, TYPE } from './properties';

export function definition(RED: EditorRED, $: Dollar): NodeTypeDefinition {
  return dxlNode(RED, $, TYPE, PROPERTIES, {
    inputs: 1,
    outputs: 1,
    checks: { topic: topicValidator(RED, TYPE, 'publish', true) },
    shows: (node) => node.topic,
    oneditprepare() {
      $('#node-input-timeout').attr('placeholder', this._('tie.placeholder.timeoutDefault'));
    },
  });
}

export function register(RED: EditorRED, $: Dollar): void {
  registerNode(RED, TYPE, definition(RED, $));
}
