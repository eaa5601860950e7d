/**
 * The kinds of number that settings, options, command lines, answers and files hold (ports, seconds,
 * counts), each read by one parser, and the ports and times the DXL and management connections
 * default to. The editor's bundle takes it too.
 */

/** A kind of number: its bounds, and whether it is whole. */
export interface NumberKind {
  /** Whole numbers only (ports, counts, keepalive); otherwise decimals too (seconds). */
  readonly whole: boolean;
  readonly min: number;
  readonly max: number;
  /** The minimum itself excluded ("greater than 0"). */
  readonly aboveMin?: boolean;
}

/** A TCP port to connect to. */
export const PORT: NumberKind = { whole: true, min: 1, max: 65535 };
/** A TCP port to listen on: 0 asks the system for a free one. */
export const LISTEN_PORT: NumberKind = { whole: true, min: 0, max: 65535 };
/** The MQTT keepalive, whole seconds in two bytes; 0 turns it off. */
export const MQTT_KEEPALIVE_S: NumberKind = { whole: true, min: 0, max: 65535 };
/** A whole number a JavaScript number holds exactly, of either sign (trust levels and file types before their own check). */
export const INTEGER: NumberKind = { whole: true, min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };
/** A DXL error response's code: 32 bits, read as signed or unsigned. */
export const DXL_ERROR_CODE: NumberKind = { whole: true, min: -0x80000000, max: 0xffffffff };
/** A count of at least one (a query limit). */
export const COUNT: NumberKind = { whole: true, min: 1, max: Number.MAX_SAFE_INTEGER };
/** A time, in seconds or milliseconds, greater than 0. */
export const POSITIVE_TIME: NumberKind = { whole: false, min: 0, max: Number.MAX_SAFE_INTEGER, aboveMin: true };

/** The DXL broker's MQTT over TLS port. */
export const DEFAULT_BROKER_PORT = 8883;
/** The ePO / OpenDXL console port provisioning talks to. */
export const DEFAULT_MANAGEMENT_PORT = 8443;
/** A request's timeout, in seconds. */
export const DEFAULT_REQUEST_TIMEOUT_S = 30;
export const DEFAULT_KEEPALIVE_S = 60;
/** Reconnect backoff: the first delay and the cap, in milliseconds. */
export const DEFAULT_RECONNECT_DELAY_MS = 1000;
export const DEFAULT_RECONNECT_MAX_DELAY_MS = 30_000;

const WHOLE_TEXT = /^\s*\d+\s*$/;
const SIGNED_WHOLE_TEXT = /^\s*-?\d+\s*$/;
const DECIMAL_TEXT = /^\s*\d+(\.\d+)?\s*$/;

/** Nothing given: undefined, null, or text of blanks only. */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * The number `value` gives as `kind`: a number, or its text in plain decimal digits (blanks around
 * allowed; a minus sign only where the kind goes below 0; no exponent, hex or, for a whole kind,
 * fraction); undefined when it gives none.
 */
export function readNumber(value: unknown, kind: NumberKind): number | undefined {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && (kind.whole ? (kind.min < 0 ? SIGNED_WHOLE_TEXT : WHOLE_TEXT) : DECIMAL_TEXT).test(value))
    n = Number(value);
  else return undefined;
  if (!Number.isFinite(n) || (kind.whole && !Number.isInteger(n))) return undefined;
  if (n > kind.max || n < kind.min || (kind.aboveMin === true && n === kind.min)) return undefined;
  return n;
}

/** What `kind` takes, for an error message: "a whole number from 1 to 65535", "a number greater than 0". */
export function describeKind(kind: NumberKind): string {
  const number = kind.whole ? 'a whole number' : 'a number';
  if (kind.max >= Number.MAX_SAFE_INTEGER) return `${number} ${kind.aboveMin === true ? 'greater than' : 'of at least'} ${kind.min}`;
  return `${number} from ${kind.min} to ${kind.max}`;
}
