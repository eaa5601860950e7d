/*
 * Text from clients (topics, ids, management user names, CSR names) as the fabric's log shows it:
 * on one line, so that no value can forge a line of its own, and bounded in length.
 */

/** Longest client value a log line shows; the rest is cut and marked. */
export const MAX_LOGGED_VALUE_CHARS = 200;

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeControl(char: string): string {
  return NAMED[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * A client-supplied value for a log line: backslashes doubled (so that a real `\n` stays
 * distinguishable from an escaped newline), control characters escaped (newline as `\n`),
 * and at most MAX_LOGGED_VALUE_CHARS characters.
 */
export function logValue(value: string, maxChars = MAX_LOGGED_VALUE_CHARS): string {
  const cut = value.length > maxChars;
  const shown = (cut ? value.slice(0, maxChars) : value).replace(/\\/g, '\\\\').replace(CONTROL, escapeControl);
  return cut ? `${shown}… (${value.length} characters)` : shown;
}

/**
 * The last guard before a line leaves the fabric: any control character left (from a library's
 * error text, say) is escaped. Values passed through logValue have none, so they are not changed again.
 */
export function oneLine(line: string): string {
  return line.replace(CONTROL, escapeControl);
}
