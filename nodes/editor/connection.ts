/**
 * A node the user adds without a connection gets one when exactly one tie-config can serve it.
 * The example flows name the tie-config FABRIC_CONFIG_ID without carrying it (so that importing
 * several examples neither duplicates it nor meets Node-RED's "nodes already exist" question):
 * their nodes get the single tie-config there is, or, when there is none, a new one made here
 * reading tie-fabric's default dxlclient.config, the one every later example then shares. So an
 * example imports, deploys and runs beside `tie-fabric` without a dialog.
 * Only for nodes the user adds (import, paste, palette: they arrive changed); a deployed node
 * loaded with the flows keeps what the runtime has, or the editor would show a connection the
 * runtime does not use. Each node type's editor watches its own nodes.
 */
import type { EditorNode, EditorRED, NodeTypeDefinition } from './red';

/** The tie-config the example flows name: tie-fabric's defaults, made by the editor when an example needs it. */
export const FABRIC_CONFIG_ID = 'tie-fabric-defaults';
/** Where `tie-fabric` writes its dxlclient.config by default (its --data-dir), `~` being Node-RED's user's home. */
export const FABRIC_CONFIG_FILE = '~/.node-red-contrib-tie/fabric/dxlclient.config';
/** The name of that tie-config: the command it talks to, not a sentence. */
const FABRIC_CONFIG_NAME = 'tie-fabric';

/** A new tie-config reading tie-fabric's default dxlclient.config, with every other property at its default. */
function addFabricConfig(RED: EditorRED, _: EditorNode['_']): EditorNode | undefined {
  const definition = RED.nodes.getType('tie-config');
  if (!definition) return undefined;
  const config: EditorNode = { id: FABRIC_CONFIG_ID, type: 'tie-config', _def: definition, users: [], changed: true, _ };
  for (const [name, spec] of Object.entries(definition.defaults)) {
    config[name] = spec.value === undefined ? undefined : (JSON.parse(JSON.stringify(spec.value)) as unknown);
  }
  Object.assign(config, { name: FABRIC_CONFIG_NAME, source: 'file', configFile: FABRIC_CONFIG_FILE });
  RED.nodes.add(config);
  RED.nodes.dirty(true);
  return config;
}

export function fillConnectionOnAdd(RED: EditorRED, type: string): void {
  RED.events.on('nodes:add', (node) => {
    if (!node || node.type !== type || !node.changed) return;
    const fromExample = node.connection === FABRIC_CONFIG_ID;
    if (node.connection && !(fromExample && !RED.nodes.node(FABRIC_CONFIG_ID))) {
      if (fromExample) useConfig(RED, node, FABRIC_CONFIG_ID);
      return;
    }
    // The tie-configs this node can use: global ones, and those scoped to its flow.
    const configs: EditorNode[] = [];
    RED.nodes.eachConfig((config) => {
      if (config.type === 'tie-config' && (!config.z || config.z === node.z)) configs.push(config);
    });
    const only = configs.length === 1 ? configs[0] : configs.length === 0 && fromExample ? addFabricConfig(RED, node._) : undefined;
    if (only === undefined) {
      // Several tie-configs and none of them the examples': the user chooses.
      if (fromExample) node.connection = '';
      return;
    }
    useConfig(RED, node, only.id);
  });
}

/** Points `node` at the tie-config `id` and counts it among that config's users. */
function useConfig(RED: EditorRED, node: EditorNode, id: string): void {
  const config = RED.nodes.node(id);
  if (!config) return;
  node.connection = config.id;
  if (typeof RED.nodes.updateConfigNodeUsers === 'function') RED.nodes.updateConfigNodeUsers(node);
  else if (config.users && !config.users.includes(node)) config.users.push(node);
  RED.editor.validateNode(node);
}

/** Registers a flow node's editor, and fills its connection in when one tie-config can serve it. */
export function registerNode(RED: EditorRED, type: string, definition: NodeTypeDefinition): void {
  RED.nodes.registerType(type, definition);
  fillConnectionOnAdd(RED, type);
}
