/**
 * What the five DXL editors share: the DXL palette category, a topic checked by the runtime's own
 * rule (src/dxl/topic-rule.ts), and the label: the name, else the topic.
 */
import { type TopicUse, topicProblem } from '../../src/dxl/topic-rule';
import { splitTopics } from '../kit/dxl-topics';
import { keyOf, nameOf, nameStyle, nodeLook, paletteLabel, withMessage } from './common';
import type { Properties } from '../kit/properties';
import { editorDefaults } from './defaults';
import type { Dollar, EditorNode, EditorRED, NodeTypeDefinition, Validator } from './red';
import { prepareRows } from './typed-inputs';

export const DXL_CATEGORY = 'DXL';

/** A topic setting: `optional` ones may stay empty (msg.topic is used then). */
export function topicValidator(RED: EditorRED, type: string, use: TopicUse, optional: boolean): Validator {
  return withMessage((value) => {
    const topic = typeof value === 'string' ? value.trim() : '';
    if (topic === '' && optional) return true;
    const problem = topicProblem(topic, use);
    return problem === undefined || RED._(keyOf(type, `tie.topicProblem.${problem}`));
  });
}

/** A service's topics: at least one, each usable. */
export function topicsValidator(RED: EditorRED, type: string): Validator {
  const one = topicValidator(RED, type, 'subscribe', false);
  return withMessage(function (this: EditorNode, value) {
    const topics = splitTopics(typeof value === 'string' ? value : '');
    if (topics.length === 0) return RED._(keyOf(type, 'tie.topicProblem.empty'));
    for (const topic of topics) {
      const verdict = one.call(this, topic);
      if (verdict !== true) return verdict;
    }
    return true;
  });
}

/** A DXL node's definition: the shared look and label, its declared properties, what its form does beyond them. */
export function dxlNode(
  RED: EditorRED,
  $: Dollar,
  type: string,
  properties: Properties,
  own: {
    inputs: 0 | 1;
    outputs: 0 | 1;
    /** What the runtime checks of a property beyond its reader (a topic's rule). */
    checks?: Readonly<Record<string, Validator>>;
    /** What labels the node when it has no name; the catalogue's default when this gives nothing. */
    shows?: (node: EditorNode) => unknown;
    oneditprepare?: (this: EditorNode) => void;
  },
): NodeTypeDefinition {
  const definition: NodeTypeDefinition = {
    ...nodeLook(type, DXL_CATEGORY),
    defaults: editorDefaults(RED, type, properties, own.checks),
    inputs: own.inputs,
    outputs: own.outputs,
    paletteLabel: paletteLabel(type),
    label() {
      const shown = own.shows?.(this);
      return nameOf(this) ?? (typeof shown === 'string' && shown.trim() !== '' ? shown.trim() : this._(`${type}.default`));
    },
    labelStyle() {
      return nameStyle(this);
    },
    oneditprepare() {
      prepareRows($, this._, properties);
      own.oneditprepare?.call(this);
    },
  };
  if (own.inputs > 0) definition.inputLabels = portLabel(type, 'input');
  if (own.outputs > 0) definition.outputLabels = portLabel(type, 'output');
  return definition;
}

function portLabel(type: string, port: 'input' | 'output'): (this: EditorNode) => string {
  return function (this: EditorNode) {
    return this._(`${type}.ports.${port}`);
  };
}
