/*
 * A line-numbered INI reader with the OpenDXL JavaScript client's rules: whole-line
 * comments start with ';' or '#', while ';' and '#' inside a value are kept (broker
 * lines use ';' as their separator). Hand-written because errors must name the line;
 * an error says what kind of line it is, never the line itself (the file may not be
 * a config at all: a key, /etc/shadow, /proc/self/environ).
 */

export interface IniEntry {
  key: string;
  value: string;
  line: number;
}

export interface IniSection {
  name: string;
  line: number;
  entries: IniEntry[];
}

/** What a line that is not INI looks like. */
export type IniLineShape =
  /** A key=value line before the first [Section]. */
  | 'entry-before-section'
  /** A PEM armour line (-----BEGIN ...-----). */
  | 'pem'
  /** A long run of base64, as in the body of a PEM file. */
  | 'base64'
  /** Control characters or bytes that are not UTF-8 text. */
  | 'binary'
  /** Any other text. */
  | 'text';

export interface IniSyntaxError {
  line: number;
  shape: IniLineShape;
}

// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const BINARY_RE = /[\u0000-\u0008\u000E-\u001F\u007F\uFFFD]/;

function shapeOf(trimmed: string, hasSection: boolean): IniLineShape {
  if (/^-----(BEGIN|END) [A-Z0-9 ]+-----$/.test(trimmed)) return 'pem';
  if (/^[A-Za-z0-9+/]{16,}={0,2}$/.test(trimmed)) return 'base64';
  if (!hasSection && trimmed.indexOf('=') > 0) return 'entry-before-section';
  return 'text';
}

export interface IniDocument {
  sections: Map<string, IniSection>;
  errors: IniSyntaxError[];
}

export function readIni(text: string): IniDocument {
  const sections = new Map<string, IniSection>();
  const errors: IniSyntaxError[] = [];
  let current: IniSection | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith(';') || trimmed.startsWith('#')) return;
    if (BINARY_RE.test(trimmed)) {
      errors.push({ line, shape: 'binary' });
      return;
    }
    const header = /^\[([^\]]+)\]$/.exec(trimmed);
    if (header) {
      const name = header[1].trim();
      current = sections.get(name) ?? { name, line, entries: [] };
      sections.set(name, current);
      return;
    }
    const equals = trimmed.indexOf('=');
    if (equals <= 0 || !current) {
      errors.push({ line, shape: shapeOf(trimmed, current !== undefined) });
      return;
    }
    current.entries.push({ key: trimmed.slice(0, equals).trim(), value: trimmed.slice(equals + 1).trim(), line });
  });
  return { sections, errors };
}
