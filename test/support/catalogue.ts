/**
 * The built message catalogues (dist/nodes/<type>/locales/<lang>/node.json, the shared "tie." keys
 * merged in) as Node-RED's RED._ uses them: dotted keys, `__name__` parameters.
 */
import fs from 'node:fs';
import path from 'node:path';
import { builtLocaleFile } from '../../scripts/editor-build';

export const LANGUAGES = ['en-US', 'de', 'ja'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The build's output: dist/, above this compiled file (dist/test/support/). */
export const distRoot = path.resolve(__dirname, '..', '..', '..');

export type Catalogue = { [key: string]: string | Catalogue };

export function readCatalogue(lang: string, type: string): Catalogue {
  return JSON.parse(fs.readFileSync(builtLocaleFile(distRoot, type, lang, 'json'), 'utf8')) as Catalogue;
}

/** A node's built help page in one language. */
export function readHelp(lang: string, type: string): string {
  return fs.readFileSync(builtLocaleFile(distRoot, type, lang, 'html'), 'utf8');
}

/** Every key of a catalogue ("tie-get-reputation.label.input", …) with its text. */
export function flatten(catalogue: Catalogue, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalogue)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(name, value);
    else for (const [k, v] of flatten(value, name)) out.set(k, v);
  }
  return out;
}

export function interpolate(text: string, params: Readonly<Record<string, unknown>> = {}): string {
  return text.replace(/__(\w+)__/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * RED._ of one node set: keys of this package from its built catalogue; keys with a namespace
 * (Node-RED's own, "node-red:…") and unknown keys come back as they are, as the test helper's
 * own RED._ returns them.
 */
export function catalogueTranslate(
  type: string,
  lang: Language = 'en-US',
): (key: string, params?: Readonly<Record<string, unknown>>) => string {
  const texts = flatten(readCatalogue(lang, type));
  return (key, params) => {
    const text = key.includes(':') ? undefined : texts.get(key);
    return text === undefined ? key : interpolate(text, params);
  };
}
