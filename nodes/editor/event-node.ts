/** What the three event editors share: a connection, a name, one output. */
import { nameOf, nameStyle, nodeLook, paletteLabel } from './common';
import { CONNECTION_SETTING } from './connection';
import type { EditorNode, NodeTypeDefinition, PropertySpec } from './red';

export function eventNode(
  type: string,
  own: { defaults?: Record<string, PropertySpec>; label: (this: EditorNode) => string },
): NodeTypeDefinition {
  return {
    ...nodeLook(type),
    defaults: {
      name: { value: '' },
      connection: CONNECTION_SETTING,
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
