/** What the three event editors share: a connection, a name, one output. */
import { nameOf, nameStyle, nodeLook, paletteLabel } from './common';
import type { EditorNode, NodeTypeDefinition, PropertySpec } from './red';

export function eventNode(
  type: string,
  own: { defaults?: Record<string, PropertySpec>; label: (this: EditorNode) => string },
): NodeTypeDefinition {
  return {
    ...nodeLook(type),
    defaults: {
      name: { value: '' },
      connection: { value: '', type: 'tie-config', required: true },
      ...own.defaults,
    },
    inputs: 0,
    outputs: 1,
    paletteLabel: paletteLabel(type),
    label: own.label,
    labelStyle() {
      return nameStyle(this);
    },
    outputLabels() {
      return this._(`${type}.ports.output`);
    },
  };
}

/** For the event nodes with no settings beyond the connection. */
export function plainEventNode(type: string): NodeTypeDefinition {
  return eventNode(type, {
    label() {
      return nameOf(this) ?? this._(`${type}.default`);
    },
  });
}
