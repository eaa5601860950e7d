/**
 * A node's properties, each declared once (nodes/<type>/properties.ts): its kind, what a new node
 * gets, what a node without it (deployed before it existed) does, when it counts, and its row of the
 * form (catalogue keys, icon). The editor's defaults and validators (nodes/editor/defaults.ts), the
 * form (nodes/editor/form.ts) and the runtime's reader (readProperty; readNodeProperties in values.ts)
 * come from it.
 */
import { isBlank } from '../../src/dxl/numbers';
import { type NumberSetting, readSetting } from './settings';
import { type UserText, userText } from './text';

/** A node's properties as Node-RED stores them (numbers may arrive as text, anything from an imported flow). */
export type StoredProperties = Readonly<Record<string, unknown>>;

/** Where a TypedInput may read from; the editor kit turns each list into its TypedInput types. */
export type TypedList = 'hashes' | 'text' | 'number' | 'payload' | 'trustLevel' | 'trustLevelOrNotSet' | 'fileType';

interface Declared {
  /** The catalogue key of its row's label; a property without one has no row of its own. */
  readonly label?: string;
  /** Font Awesome icon of the label, e.g. "fa-plug". */
  readonly icon?: string;
  /** A class on its row, for an editor that shows or hides the row. */
  readonly rowClass?: string;
  /** It counts only when this holds of the node's other properties: a number is not read then, a required text not required. */
  readonly when?: (node: StoredProperties) => boolean;
}

export interface NumberProperty extends Declared {
  readonly kind: 'number';
  readonly setting: NumberSetting;
  /** What a new node gets; by default what a blank gives (empty for 'unset' and 'required'). */
  readonly initial?: number | '';
  /** The catalogue key of the unit after the box. */
  readonly unit?: string;
  /** A box for any number (fractions), rather than the browser's whole steps. */
  readonly fractions?: boolean;
  /** A text box: its placeholder says what a blank gives (set by the node's editor). */
  readonly textBox?: boolean;
  /** The catalogue key of the box's placeholder. */
  readonly placeholder?: string;
}

export interface ChoiceProperty<V extends string = string> extends Declared {
  readonly kind: 'choice';
  readonly values: readonly V[];
  /** What a new node gets. */
  readonly initial: V;
  /** What a node without the property does; by default `initial`. */
  readonly absent?: V;
  /** The prefix of its options' catalogue keys (`<options>.<value>`); without one the editor fills the list. */
  readonly options?: string;
}

export interface FlagProperty extends Declared {
  readonly kind: 'flag';
  readonly initial: boolean;
  /** What a node without the property does; by default off. */
  readonly absent?: boolean;
}

/** A choice among `values`, `initial` for a new node, with its row and what a node without it does. */
export function choice<V extends string>(
  values: readonly V[],
  initial: V,
  more: Omit<ChoiceProperty<V>, 'kind' | 'values' | 'initial'> = {},
): ChoiceProperty<V> {
  return { kind: 'choice', values, initial, ...more };
}

/** A TypedInput's setting as a declaration gives it. */
export interface TypedSetting {
  readonly value: string;
  readonly type: string;
}

/** A TypedInput that a new node and a node without it both read from `setting` (rather than msg.<name>). */
export function typedFrom(types: TypedList, setting: TypedSetting, more: Declared = {}): TypedProperty {
  return { kind: 'typed', types, initial: setting, absent: setting, ...more };
}

export interface TypedProperty extends Declared {
  readonly kind: 'typed';
  /** A new node's value and type; by default msg.<name>. */
  readonly initial?: TypedSetting;
  /** What a node without the property reads; by default msg.<name>. */
  readonly absent?: TypedSetting;
  readonly types: TypedList;
  /** An item of a batch may carry its own value (`{sha256, <name>}`), which wins over the node's. */
  readonly item?: boolean;
}

export interface TextProperty extends Declared {
  readonly kind: 'text';
  readonly initial?: string;
  /** The catalogue key of the box's placeholder. */
  readonly placeholder?: string;
  /**
   * The editor refuses a blank (when `when` holds); the runtime refuses it where it uses the value
   * (a service without topics, a tie-config without its file), with an error of its own.
   */
  readonly required?: boolean;
  /** The catalogue key of the editor's message for a refused blank; by default tie.validation.required. */
  readonly message?: string;
}

/** A list the node's editor keeps in a widget of its own (the tie-config's brokers); its consumer judges it. */
export interface ListProperty extends Declared {
  readonly kind: 'list';
  readonly initial: readonly unknown[];
}

/** The tie-config a flow node uses. */
export interface ConnectionProperty extends Declared {
  readonly kind: 'connection';
}

export type Property = NumberProperty | ChoiceProperty | FlagProperty | TypedProperty | TextProperty | ListProperty | ConnectionProperty;
export type Properties = Readonly<Record<string, Property>>;

/** A TypedInput's setting as the runtime evaluates it per message. */
export interface TypedValue {
  value: unknown;
  type: string;
}

/** What the runtime reads for each kind. */
export type PropertyValue<P extends Property> = P extends NumberProperty
  ? number | undefined
  : P extends ChoiceProperty<infer V>
    ? V
    : P extends FlagProperty
      ? boolean
      : P extends TypedProperty
        ? TypedValue
        : P extends TextProperty
          ? string
          : P extends ListProperty
            ? unknown
            : string | undefined;

export type PropertyValues<T extends Properties> = { readonly [K in keyof T]: PropertyValue<T[K]> };

/** A property's value as the reader judged it: usable, or refused with what it falls back on. */
export type PropertyReading<P extends Property> =
  { readonly ok: true; readonly value: PropertyValue<P> } | { readonly ok: false; readonly fallback: PropertyValue<P> };

/** A choice value as stored: the editor's selects store text, an imported flow may hold a number. */
function choiceText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

/** A TypedInput property's setting for a new node. */
export function initialTyped(property: TypedProperty, name: string): TypedSetting {
  return property.initial ?? { value: name, type: 'msg' };
}

/** What a new node gets for the property `name`, as the editor's defaults hold it. */
export function initialValue(property: Property, name: string): unknown {
  switch (property.kind) {
    case 'number':
      return property.initial ?? (typeof property.setting.blank === 'number' ? property.setting.blank : '');
    case 'choice':
    case 'flag':
      return property.initial;
    case 'typed':
      return initialTyped(property, name).value;
    case 'text':
      return property.initial ?? '';
    case 'list':
      return JSON.parse(JSON.stringify(property.initial)) as unknown;
    case 'connection':
      return '';
  }
}

/**
 * The one reader of a stored property, for the runtime and the editor's validator. `name` is the
 * property's name (a TypedInput reads msg.<name> when the node has none); `stored` holds the
 * node's other properties, for `when` and a TypedInput's type.
 */
export function readProperty<P extends Property>(property: P, name: string, stored: StoredProperties): PropertyReading<P>;
export function readProperty(property: Property, name: string, stored: StoredProperties): PropertyReading<Property> {
  const value = stored[name];
  switch (property.kind) {
    case 'number': {
      const fallback = typeof property.setting.blank === 'number' ? property.setting.blank : undefined;
      if (property.when !== undefined && !property.when(stored)) return { ok: true, value: undefined };
      const reading = readSetting(property.setting, value);
      return reading.ok ? reading : { ok: false, fallback };
    }
    case 'choice': {
      const absent = property.absent ?? property.initial;
      if (isBlank(value)) return { ok: true, value: absent };
      const text = choiceText(value);
      const chosen = property.values.find((v) => v === text);
      return chosen === undefined ? { ok: false, fallback: absent } : { ok: true, value: chosen };
    }
    case 'flag':
      if (value === undefined || value === null) return { ok: true, value: property.absent ?? false };
      return typeof value === 'boolean' ? { ok: true, value } : { ok: false, fallback: property.absent ?? false };
    case 'typed': {
      const type = stored[`${name}Type`];
      if (typeof type !== 'string' || type === '') return { ok: true, value: { ...(property.absent ?? { value: name, type: 'msg' }) } };
      return { ok: true, value: { value, type } };
    }
    case 'text':
      return { ok: true, value: typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '' };
    case 'list':
      return { ok: true, value };
    case 'connection':
      return { ok: true, value: typeof value === 'string' && value !== '' ? value : undefined };
  }
}

/** What a property takes: the text of the warning about one the runtime ignores, and of the editor's validator. */
export function propertyRule(property: Property): UserText {
  switch (property.kind) {
    case 'number':
      return userText(property.setting.message, { min: property.setting.kind.min, max: property.setting.kind.max });
    case 'choice':
      return userText('tie.validation.choice', { values: property.values.join(', ') });
    case 'flag':
      return userText('tie.validation.flag');
    default:
      return userText('tie.validation.required');
  }
}

/** A choice's value as the node uses it: the stored one when it is one of the values, else what a node without it does. */
export function choiceOf<V extends string>(property: ChoiceProperty<V>, value: unknown): V {
  const reading = readProperty(property, 'value', { value });
  return reading.ok ? reading.value : reading.fallback;
}
