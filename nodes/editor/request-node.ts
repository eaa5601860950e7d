/** What the four request editors share: the definition of a node with one input and one output, its rows set up from its properties. */
import type { Subject } from '../kit/items';
import { type ChoiceProperty, type Properties, choiceOf } from '../kit/properties';
import { nameOf, nameStyle, nodeLook, paletteLabel } from './common';
import { editorDefaults } from './defaults';
import { prepareRows } from './typed-inputs';
import type { Dollar, EditorNode, EditorRED, NodeTypeDefinition } from './red';

/** A request node's definition: its declared properties, its label, what its form does beyond them. */
export function requestNode(
  RED: EditorRED,
  $: Dollar,
  type: string,
  properties: Properties,
  own: {
    label: (this: EditorNode) => string;
    oneditprepare?: (this: EditorNode) => void;
  },
): NodeTypeDefinition {
  return {
    ...nodeLook(type),
    defaults: editorDefaults(RED, type, properties),
    inputs: 1,
    outputs: 1,
    paletteLabel: paletteLabel(type),
    label: own.label,
    labelStyle() {
      return nameStyle(this);
    },
    inputLabels() {
      return this._(`${type}.ports.input`);
    },
    outputLabels() {
      return this._(`${type}.ports.output`);
    },
    oneditprepare() {
      prepareRows($, this._, properties);
      own.oneditprepare?.call(this);
    },
  };
}

/** The label of a request node that works on a file or a certificate: its name, else "<type>.default.<subject>". */
export function subjectLabel(type: string, subject: ChoiceProperty<Subject>): (this: EditorNode) => string {
  return function (this: EditorNode) {
    return nameOf(this) ?? this._(`${type}.default.${choiceOf(subject, this.subject)}`);
  };
}
