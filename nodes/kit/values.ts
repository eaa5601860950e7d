/**
 * A flow node's properties as the runtime reads them when the flow starts: each by its one reader
 * (properties.ts). Text, trust levels, file types and query limits a flow passes per message are
 * read by the TIE layer (src/tie/arguments.ts).
 */
import type { NodeDefinition, NodeInstance, NodeRedApi } from './node-red';
import { type Properties, type PropertyValues, type StoredProperties, propertyRule, readProperty } from './properties';
import { translator } from './status';
import { userText } from './text';

/**
 * A flow node's properties. One the editor would have refused (a flow imported as JSON, a `${NAME}`
 * the environment fills badly) is ignored, as if empty, with a warning saying what it takes.
 */
export function readNodeProperties<T extends Properties>(
  RED: Pick<NodeRedApi, '_'>,
  node: NodeInstance,
  properties: T,
  stored: StoredProperties,
): PropertyValues<T> {
  const values: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    const reading = readProperty(property, name, stored);
    if (reading.ok) {
      values[name] = reading.value;
      continue;
    }
    const translate = translator(RED);
    const rule = translate(propertyRule(property));
    node.warn(translate(userText('tie.warning.invalidSetting', { value: JSON.stringify(stored[name]) ?? 'undefined', rule })));
    values[name] = reading.fallback;
  }
  return values as PropertyValues<T>;
}

/** Registers a node type whose nodes start from their declared properties, as read (readNodeProperties). */
export function registerFlowNode<T extends Properties>(
  RED: NodeRedApi,
  type: string,
  properties: T,
  start: (node: NodeInstance, settings: PropertyValues<T>) => void,
): void {
  function FlowNode(this: NodeInstance, definition: NodeDefinition): void {
    RED.nodes.createNode(this, definition);
    start(this, readNodeProperties(RED, this, properties, definition));
  }
  RED.nodes.registerType(type, FlowNode);
}
