/**
 * Reading the number settings of a node's form. Text, trust levels, file types and query limits a
 * flow passes are read by the TIE layer (src/tie/arguments.ts).
 */
import type { NodeInstance, NodeRedApi } from './node-red';
import { type NumberSetting, SETTINGS, type SettingName, readSetting } from './settings';
import { translator } from './status';
import { userText } from './text';

/**
 * A flow node's number setting, read by its one reader (settings.ts). One the editor would have
 * refused (a flow imported as JSON, a `${NAME}` the environment fills badly) is ignored, as if
 * empty, with a warning saying what the setting takes.
 */
export function nodeSetting(RED: Pick<NodeRedApi, '_'>, node: NodeInstance, name: SettingName, value: unknown): number | undefined {
  const setting: NumberSetting = SETTINGS[name];
  const reading = readSetting(setting, value);
  if (reading.ok) return reading.value;
  const translate = translator(RED);
  const rule = translate(userText(setting.message, { min: setting.kind.min, max: setting.kind.max }));
  node.warn(translate(userText('tie.warning.invalidSetting', { value: JSON.stringify(value), rule })));
  return typeof setting.blank === 'number' ? setting.blank : undefined;
}
