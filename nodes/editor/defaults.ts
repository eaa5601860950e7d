/**
 * A node's editor defaults from its declared properties (nodes/kit/properties.ts): what a new node
 * gets, and a validator that judges by the runtime's own reader, so that the editor flags exactly
 * what the runtime would ignore. A `${NAME}` value is left to the runtime, which reads the
 * environment's value in its place.
 */
import {
  type Properties,
  type Property,
  type StoredProperties,
  initialTyped,
  initialValue,
  propertyRule,
  readProperty,
} from '../kit/properties';
import { isEnvReference } from '../kit/settings';
import { keyOf, withMessage } from './common';
import type { EditorNode, EditorRED, PropertySpec, Validator } from './red';

/** The validator of one property: the runtime's reader judges it, with the node's other properties. */
function propertyValidator(RED: EditorRED, type: string, name: string, property: Property): Validator {
  const rule = propertyRule(property);
  return withMessage(function (this: EditorNode, value) {
    if (isEnvReference(value)) return true;
    return readProperty(property, name, { ...this, [name]: value }).ok || RED._(keyOf(type, rule.key), rule.params);
  });
}

/** A text the node needs when `when` holds of its other properties. */
function requiredWhen(RED: EditorRED, type: string, when: (node: StoredProperties) => boolean, message: string): Validator {
  return withMessage(function (this: EditorNode, value) {
    return !when(this) || isEnvReference(value) || (typeof value === 'string' && value.trim() !== '') || RED._(keyOf(type, message));
  });
}

function specOf(RED: EditorRED, type: string, name: string, property: Property): PropertySpec {
  const value = initialValue(property, name);
  switch (property.kind) {
    case 'connection':
      return { value, type: 'tie-config', required: true };
    case 'typed':
      return { value, validate: RED.validators.typedInput(`${name}Type`) };
    case 'list':
      return { value };
    case 'text':
      if (property.required !== true) return { value };
      if (property.when === undefined) return { value, required: true };
      return { value, validate: requiredWhen(RED, type, property.when, property.message ?? 'tie.validation.required') };
    default:
      return { value, validate: propertyValidator(RED, type, name, property) };
  }
}

/**
 * The `defaults` of a node's definition: each property's, a TypedInput's `<name>Type` beside it.
 * `checks` adds what the runtime checks beyond the reader (a topic's rule): both must pass.
 */
export function editorDefaults(
  RED: EditorRED,
  type: string,
  properties: Properties,
  checks: Readonly<Record<string, Validator>> = {},
): Record<string, PropertySpec> {
  const defaults: Record<string, PropertySpec> = {};
  for (const [name, property] of Object.entries(properties)) {
    const spec = specOf(RED, type, name, property);
    const check = checks[name];
    if (check !== undefined) spec.validate = both(spec.validate, check);
    defaults[name] = spec;
    if (property.kind === 'typed') defaults[`${name}Type`] = { value: initialTyped(property, name).type };
  }
  return defaults;
}

function both(first: Validator | undefined, second: Validator): Validator {
  if (first === undefined) return second;
  return withMessage(function (this: EditorNode, value) {
    const verdict = first.call(this, value);
    return verdict === true ? second.call(this, value) : verdict;
  });
}
