/**
 * The nodes' settings, each declared once (kind of number, range, what a blank gives, the catalogue
 * key of its message) and read by one reader, for the runtime and the editor alike; and the other
 * bounds and defaults of the nodes that the help quotes.
 */
import {
  DEFAULT_KEEPALIVE_S,
  DEFAULT_MANAGEMENT_PORT,
  DEFAULT_REQUEST_TIMEOUT_S,
  MQTT_KEEPALIVE_S,
  type NumberKind,
  PORT,
  POSITIVE_TIME,
  isBlank,
  readNumber,
} from '../../src/dxl/numbers';

/** Batch items in flight at once, by default and at most. */
export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 64;

/** An HTTP proxy's usual port (a placeholder only). */
export const EXAMPLE_PROXY_PORT = 3128;

/** tie-config: a cached reputation's lifetime, in seconds. */
export const DEFAULT_CACHE_TTL_S = 300;

/** tie-config: the largest DXL message, in KiB: the OpenDXL broker's default limit (1 MiB), and what MQTT can carry. */
export const DEFAULT_MAX_MESSAGE_KB = 1024;
const MAX_MESSAGE_KB = { whole: true, min: 1, max: 256 * 1024 - 1 } as const;

/**
 * tie-config: how long a request waits for a connection when none is ready, in seconds; beyond it
 * fails with the last attempt's reason (within its timeout). A short reconnect fits in it.
 */
export const DEFAULT_CONNECT_WAIT_S = 4;

/** dxl service: how long the flow has to answer a request before the requester gets an error response, in seconds. */
export const DEFAULT_SERVICE_ANSWER_TIMEOUT_S = 20;
/** dxl service: requests waiting for the flow's answer at most; beyond, a request is refused as overloaded. */
export const DEFAULT_SERVICE_MAX_PENDING = 1000;
/** Timeouts a DXL node's setting may give, in seconds (an hour). */
export const MAX_TIMEOUT_S = 3600;
/** dxl response: the code of an error response when the node gives none. */
export const DEFAULT_ERROR_RESPONSE_CODE = 1;

/** tie-config: the write limit a new tie-config gets (writes a second, and at once); a blank rate is no limit. */
export const DEFAULT_WRITE_RATE = 10;
export const DEFAULT_WRITE_BURST = 10;
/** tie-config: writes waiting for the write limit at most. */
export const DEFAULT_WRITE_QUEUE = 1000;
const WRITE_RATE = { whole: false, min: 0, max: 10_000, aboveMin: true } as const;
const WRITE_BURST = { whole: true, min: 1, max: 10_000 } as const;
const WRITE_QUEUE = { whole: true, min: 0, max: 100_000 } as const;

/** The set nodes: how long a read-back looks for the value written, in seconds, by default and at most. */
export const DEFAULT_VERIFY_TIMEOUT_S = 5;
export const MAX_VERIFY_TIMEOUT_S = 300;

/** A number setting of a node's form. */
export interface NumberSetting {
  readonly kind: NumberKind;
  /** What a blank setting gives: a default; 'unset' (the node falls back on something else); 'required': refused. */
  readonly blank: number | 'unset' | 'required';
  /** The catalogue key of the message that says what the setting takes (parameters __min__ and __max__). */
  readonly message: string;
}

/** A setting's value as the reader judged it: usable (undefined for a blank 'unset' one) or not. */
export type SettingReading = { readonly ok: true; readonly value: number | undefined } | { readonly ok: false };

const DXL_TIMEOUT: NumberKind = { whole: false, min: 1, max: MAX_TIMEOUT_S };

export const SETTINGS = {
  /** tie-config: a broker's port, the proxy's port, the management server's port. */
  brokerPort: { kind: PORT, blank: 'required', message: 'tie-config.error.port' },
  proxyPort: { kind: PORT, blank: 'required', message: 'tie-config.error.port' },
  provisionPort: { kind: PORT, blank: DEFAULT_MANAGEMENT_PORT, message: 'tie-config.error.port' },
  requestTimeout: { kind: POSITIVE_TIME, blank: DEFAULT_REQUEST_TIMEOUT_S, message: 'tie-config.error.positive' },
  /** MQTT's keepalive range, without its 0 (off): a node's connection always watches its broker. */
  keepalive: { kind: { ...MQTT_KEEPALIVE_S, min: 1 }, blank: DEFAULT_KEEPALIVE_S, message: 'tie-config.error.keepalive' },
  cacheTtl: { kind: POSITIVE_TIME, blank: DEFAULT_CACHE_TTL_S, message: 'tie-config.error.positive' },
  maxMessageKb: { kind: MAX_MESSAGE_KB, blank: DEFAULT_MAX_MESSAGE_KB, message: 'tie-config.error.maxMessageKb' },
  connectWait: { kind: POSITIVE_TIME, blank: DEFAULT_CONNECT_WAIT_S, message: 'tie-config.error.positive' },
  /** The request nodes: a batch's items in flight. */
  concurrency: { kind: { whole: true, min: 1, max: MAX_CONCURRENCY }, blank: DEFAULT_CONCURRENCY, message: 'tie.validation.concurrency' },
  /** tie-dxl-request: blank takes the tie-config's request timeout. */
  dxlRequestTimeout: { kind: DXL_TIMEOUT, blank: 'unset', message: 'tie.validation.timeout' },
  /** tie-dxl-service: the flow's time to answer. */
  serviceTimeout: { kind: DXL_TIMEOUT, blank: DEFAULT_SERVICE_ANSWER_TIMEOUT_S, message: 'tie.validation.timeout' },
  /** tie-config: writes a second; blank: no limit. */
  writeRate: { kind: WRITE_RATE, blank: 'unset', message: 'tie-config.error.writeRate' },
  writeBurst: { kind: WRITE_BURST, blank: DEFAULT_WRITE_BURST, message: 'tie-config.error.writeBurst' },
  writeQueue: { kind: WRITE_QUEUE, blank: DEFAULT_WRITE_QUEUE, message: 'tie-config.error.writeQueue' },
  /** The set nodes: the read-back's time. */
  verifyTimeout: {
    kind: { whole: false, min: 0, max: MAX_VERIFY_TIMEOUT_S, aboveMin: true },
    blank: DEFAULT_VERIFY_TIMEOUT_S,
    message: 'tie.validation.verifyTimeout',
  },
} as const satisfies Record<string, NumberSetting>;

export type SettingName = keyof typeof SETTINGS;

/** Node-RED puts the environment's value in place of a `${NAME}` setting when the flow starts (its own pattern). */
const ENV_REFERENCE = /^\$\{\S+\}$/;

export function isEnvReference(value: unknown): boolean {
  return typeof value === 'string' && ENV_REFERENCE.test(value);
}

/** The one reader of a number setting, for the runtime and the editor's validator. */
export function readSetting(setting: NumberSetting, value: unknown): SettingReading {
  if (isBlank(value)) {
    if (setting.blank === 'required') return { ok: false };
    return { ok: true, value: setting.blank === 'unset' ? undefined : setting.blank };
  }
  const n = readNumber(value, setting.kind);
  return n === undefined ? { ok: false } : { ok: true, value: n };
}
