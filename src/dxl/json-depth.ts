/**
 * The nesting bound on JSON received from the wire, checked on the bytes before they are parsed,
 * without recursion. JSON.parse itself takes any depth, but what it returns travels on: Node-RED
 * copies a msg for each Catch node and each extra wire with a recursive clone, which overflows the
 * stack (and ends the process) somewhere between 3,000 and 6,000 levels. No DXL or TIE payload
 * we know nests beyond ten levels.
 */

/** The deepest nesting of arrays and objects accepted in JSON received. */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** Strings longer than this are skipped with indexOf (native) rather than byte by byte. */
const SHORT_STRING = 48;

/**
 * Whether the JSON text in `bytes[0, end)` opens more than `maxDepth` arrays and objects inside one
 * another. Brackets inside strings do not count. Not a validator: a text that is not JSON may pass,
 * for JSON.parse to refuse. About 0.8 ns a byte; a long string costs next to nothing.
 */
export function nestsDeeperThan(bytes: Uint8Array, end: number, maxDepth: number): boolean {
  // Each level costs two bytes (its brackets): a valid text of n bytes nests at most n / 2 levels.
  if (end <= 2 * maxDepth) return false;
  let depth = 0;
  for (let at = 0; at < end; at++) {
    const byte = bytes[at];
    if (byte === QUOTE) at = closingQuote(bytes, at + 1, end);
    else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) depth--;
  }
  return false;
}

/** Where the string whose first byte is at `from` ends (its closing quote), or `end` when it does not. */
function closingQuote(bytes: Uint8Array, from: number, end: number): number {
  const inlineStop = Math.min(end, from + SHORT_STRING);
  let at = from;
  for (; at < inlineStop; at++) {
    const byte = bytes[at];
    if (byte === BACKSLASH) at++;
    else if (byte === QUOTE) return at;
  }
  if (at >= end) return end;
  // `at` is past any escape begun inline; a quote found later counts when an even number of backslashes precede it.
  let quote = at - 1;
  for (;;) {
    quote = bytes.indexOf(QUOTE, quote + 1);
    if (quote < 0 || quote >= end) return end;
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
}
