/**
 * Example flows ship with an empty connection: fill it in when exactly one tie-config can serve
 * the node. Only for nodes the user adds (import, paste, palette: they arrive changed); a
 * deployed node loaded with the flows keeps what the runtime has, or the editor would show a
 * connection the runtime does not use. Each node type's editor watches its own nodes.
 */
import type { EditorNode, EditorRED, NodeTypeDefinition, PropertySpec } from './red';

/** The setting of every flow node that uses a tie-config (all but tie-dxl-response). */
export const CONNECTION_SETTING: PropertySpec = { value: '', type: 'tie-config', required: true };

export function fillConnectionOnAdd(RED: EditorRED, type: string): void {
  RED.events.on('nodes:add', (node) => {
    if (!node || node.type !== type || node.connection || !node.changed) return;
    // The tie-configs this node can use: global ones, and those scoped to its flow.
    const configs: EditorNode[] = [];
    RED.nodes.eachConfig((config) => {
      if (config.type === 'tie-config' && (!config.z || config.z === node.z)) configs.push(config);
    });
    const only = configs.length === 1 ? configs[0] : undefined;
    if (only === undefined) return;
    node.connection = only.id;
    if (typeof RED.nodes.updateConfigNodeUsers === 'function') RED.nodes.updateConfigNodeUsers(node);
    else if (only.users && !only.users.includes(node)) only.users.push(node);
    RED.editor.validateNode(node);
  });
}

/** Registers a flow node's editor, and fills its connection in when one tie-config can serve it. */
export function registerNode(RED: EditorRED, type: string, definition: NodeTypeDefinition): void {
  RED.nodes.registerType(type, definition);
  fillConnectionOnAdd(RED, type);
}
