/**
 * What the four request editors share: the connection, the input and the batch settings (their
 * rows come from one source too: nodes/editor/rows/, included by the build).
 */
import { SETTINGS } from '../kit/settings';
import { nameStyle, nodeLook, paletteLabel, settingValidator } from './common';
import { CONNECTION_SETTING } from './connection';
import type { Dollar, EditorNode, EditorRED, NodeTypeDefinition, PropertySpec } from './red';
import { HASHES_TYPES, typed } from './typed-inputs';

export function requestDefaults(RED: EditorRED, type: string): Record<string, PropertySpec> {
  const input = typedSettings(RED, 'input');
  return {
    name: { value: '' },
    connection: CONNECTION_SETTING,
    ...input,
    input: { ...input.input, value: 'payload' },
    concurrency: { value: SETTINGS.concurrency.blank, validate: settingValidator(RED, type, SETTINGS.concurrency) },
    batchErrors: { value: 'fail' },
  };
}

/** A setting read through a TypedInput: `<name>` and its `<name>Type`, by default msg.<name>. */
export function typedSettings(RED: EditorRED, ...names: string[]): Record<string, PropertySpec> {
  const specs: Record<string, PropertySpec> = {};
  for (const name of names) {
    specs[name] = { value: name, validate: RED.validators.typedInput(`${name}Type`) };
    specs[`${name}Type`] = { value: 'msg' };
  }
  return specs;
}

/** The shared rows' widgets: the input's TypedInput and the batch bound. */
export function prepareRequestRows($: Dollar): void {
  typed($, 'input', HASHES_TYPES);
  $('#node-input-concurrency').attr('min', SETTINGS.concurrency.kind.min).attr('max', SETTINGS.concurrency.kind.max);
}

/** A request node's definition: the shared parts, then its own. */
export function requestNode(
  RED: EditorRED,
  $: Dollar,
  type: string,
  own: {
    defaults: Record<string, PropertySpec>;
    label: (this: EditorNode) => string;
    oneditprepare?: (this: EditorNode) => void;
  },
): NodeTypeDefinition {
  return {
    ...nodeLook(type),
    defaults: { ...requestDefaults(RED, type), ...own.defaults },
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
      prepareRequestRows($);
      own.oneditprepare?.call(this);
    },
  };
}
