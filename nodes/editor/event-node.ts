/** What the three event editors share: a connection, a name, one output. */
import type { Properties } from '../kit/properties';
import { nameOf, nameStyle, nodeLook, paletteLabel } from './common';
import { editorDefaults } from './defaults';
import type { EditorNode, EditorRED, NodeTypeDefinition } from './red';

export function eventNode(RED: EditorRED, type: string, properties: Properties, label: (this: EditorNode) => string): NodeTypeDefinition {
  return {
    ...nodeLook(type),
    defaults: editorDefaults(RED, type, properties),
    inputs: 0,
    outputs: 1,
    paletteLabel: paletteLabel(type),
    label,
    labelStyle() {
      return nameStyle(this);
    },
    outputLabels() {
      return this._(`${type}.ports.output`);
    },
  };
}

/** For the event nodes with no settings beyond the connection: the name, else "<type>.default". */
export function plainEventNode(RED: EditorRED, type: string, properties: Properties): NodeTypeDefinition {
  return eventNode(RED, type, properties, function () {
    return nameOf(this) ?? this._(`${type}.default`);
  });
}
