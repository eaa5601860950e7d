/*
 * A line-numbered INI reader with the OpenDXL JavaScript client's rules: whole-line
 * comments start with ';' or '#', while ';' and '#' inside a value are kept (broker
 * lines use ';' as their separator). Hand-written because errors must name the line.
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

export interface IniSyntaxError {
  line: number;
  text: string;
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
    const header = /^\[([^\]]+)\]$/.exec(trimmed);
    if (header) {
      const name = header[1].trim();
      current = sections.get(name) ?? { name, line, entries: [] };
      sections.set(name, current);
      return;
    }
    const equals = trimmed.indexOf('=');
    if (equals <= 0 || !current) {
      errors.push({ line, text: trimmed });
      return;
    }
    current.entries.push({ key: trimmed.slice(0, equals).trim(), value: trimmed.slice(equals + 1).trim(), line });
  });
  return { sections, errors };
}
