/**
 * A node's form, rendered at build (scripts/editor-build.ts) from its declared properties
 * (nodes/kit/properties.ts): a row for each property with a label, in the order declared, each
 * text a catalogue key. The editor script sets up what a row needs beyond its html (TypedInputs,
 * limits, placeholders that say what a blank gives).
 */
import type { ChoiceProperty, FlagProperty, NumberProperty, Properties, Property, TextProperty } from '../kit/properties';

/** How a form's boxes are named and sized: a flow node's (node-input-…) or a config node's (node-config-input-…). */
export interface FormStyle {
  readonly prefix: 'node-input' | 'node-config-input';
  /** A text box's or a select's width. */
  readonly wide: string;
  /** A number box's width. */
  readonly narrow: string;
  /** The attributes of a checkbox's label. */
  readonly checkLabel: string;
}

export const CONFIG_NODE_FORM: FormStyle = {
  prefix: 'node-config-input',
  wide: 'calc(100% - 150px)',
  narrow: '90px',
  checkLabel: 'class="tie-config-check"',
};

const FLOW_NODE_FORM: FormStyle = {
  prefix: 'node-input',
  wide: '70%',
  narrow: '70px',
  checkLabel: 'style="width: calc(100% - 30px); vertical-align: top;"',
};

const INDENT = '  ';

/** A form row: `<div class="form-row">` around its lines. */
export function row(lines: readonly string[], rowClass?: string): string {
  const classes = rowClass === undefined ? 'form-row' : `form-row ${rowClass}`;
  return [`<div class="${classes}">`, ...lines.map((line) => INDENT + line), '</div>'].join('\n');
}

/** A row's label: icon and catalogue text, for the box `id`. */
export function label(id: string, key: string, icon: string | undefined): string {
  const i = icon === undefined ? '' : `<i class="fa ${icon}"></i> `;
  return `<label for="${id}">${i}<span data-i18n="${key}"></span></label>`;
}

function placeholder(key: string | undefined): string {
  return key === undefined ? '' : ` data-i18n="[placeholder]${key}"`;
}

function textRow(id: string, property: TextProperty, style: FormStyle, wide: boolean): string[] {
  const width = wide ? ` style="width: ${style.wide};"` : '';
  return [`<input type="text" id="${id}"${width}${placeholder(property.placeholder)}>`];
}

function numberRow(id: string, property: NumberProperty, style: FormStyle): string[] {
  const box = property.textBox === true ? 'text' : 'number';
  const step =
    property.textBox === true ? '' : property.fractions === true ? ' step="any"' : property.setting.kind.whole ? ' step="1"' : '';
  const unit = property.unit === undefined ? '' : ` <span data-i18n="${property.unit}"></span>`;
  const width = property.textBox === true ? '130px' : style.narrow;
  return [`<input type="${box}" id="${id}" style="width: ${width};"${step}${placeholder(property.placeholder)}>${unit}`];
}

function choiceRow(id: string, property: ChoiceProperty, style: FormStyle): string[] {
  const select = `<select id="${id}" style="width: ${style.wide};">`;
  if (property.options === undefined) return [`${select}</select>`];
  const options = property.values.map((value) => INDENT + `<option value="${value}" data-i18n="${property.options}.${value}"></option>`);
  return [select, ...options, '</select>'];
}

function typedRow(id: string, style: FormStyle): string[] {
  return [`<input type="text" id="${id}" style="width: ${style.wide};">`, `<input type="hidden" id="${id}Type">`];
}

function flagRow(id: string, property: FlagProperty, style: FormStyle): string {
  return row(
    [
      `<input type="checkbox" id="${id}" style="display: inline-block; width: auto; vertical-align: top;">`,
      `<label for="${id}" ${style.checkLabel} data-i18n="${property.label ?? ''}"></label>`,
    ],
    property.rowClass,
  );
}

/** The row of one declared property (undefined for one without a label: no row of its own). */
export function propertyRow(name: string, property: Property, style: FormStyle): string | undefined {
  if (property.label === undefined) return undefined;
  const id = `${style.prefix}-${name}`;
  if (property.kind === 'flag') return flagRow(id, property, style);
  const boxes = ((): string[] => {
    switch (property.kind) {
      case 'connection':
      case 'list':
        return [`<input type="text" id="${id}">`];
      case 'text':
        // The name's box keeps Node-RED's own width, as in its core nodes.
        return textRow(id, property, style, name !== 'name');
      case 'number':
        return numberRow(id, property, style);
      case 'choice':
        return choiceRow(id, property, style);
      case 'typed':
        return typedRow(id, style);
    }
  })();
  return row([label(id, property.label, property.icon), ...boxes], property.rowClass);
}

/** The rows of `properties`, in the order declared. */
function propertyRows(properties: Properties, style: FormStyle): string[] {
  return Object.entries(properties).flatMap(([name, property]) => propertyRow(name, property, style) ?? []);
}

/** A tip under the rows: a catalogue text that may hold markup. */
function tip(key: string): string {
  return `<div class="form-tips" data-i18n="[html]${key}"></div>`;
}

/** The page Node-RED loads for a node: the script tag of its editor bundle, then its form's template. */
export function formPage(type: string, parts: readonly string[]): string {
  const body = parts
    .join('\n')
    .split('\n')
    .map((line) => (line === '' ? line : INDENT + line))
    .join('\n');
  return [
    `<script type="text/javascript" src="resources/node-red-contrib-tie/${type}.js"></script>`,
    '',
    `<script type="text/html" data-template-name="${type}">`,
    body,
    '</script>',
    '',
  ].join('\n');
}

/** A flow node's page: its declared rows, then its tip if it has one. */
export function flowNodePage(type: string, properties: Properties, tipKey?: string): string {
  return formPage(type, [...propertyRows(properties, FLOW_NODE_FORM), ...(tipKey === undefined ? [] : [tip(tipKey)])]);
}
