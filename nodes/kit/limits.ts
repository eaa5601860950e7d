/** Bounds and defaults of the nodes' settings, shared by the runtime and the editor. */

/** Batch items in flight at once, by default and at most. */
export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 64;

/** TCP ports. */
export const MIN_PORT = 1;
export const MAX_PORT = 65535;
/** The DXL broker's MQTT over TLS port. */
export const DEFAULT_BROKER_PORT = 8883;
/** The ePO / OpenDXL console port provisioning talks to. */
export const DEFAULT_MANAGEMENT_PORT = 8443;
/** An HTTP proxy's usual port (a placeholder only). */
export const EXAMPLE_PROXY_PORT = 3128;

/** tie-config: a request's timeout and a cached reputation's lifetime, in seconds. */
export const DEFAULT_REQUEST_TIMEOUT_S = 30;
export const DEFAULT_CACHE_TTL_S = 300;
/** tie-config: the MQTT keepalive interval in seconds (MQTT carries it in two bytes). */
export const DEFAULT_KEEPALIVE_S = 60;
export const MAX_KEEPALIVE_S = 65535;

/** tie-config: the MQTT versions a DXL broker speaks, as the protocolVersion setting holds them. */
export const MQTT_PROTOCOL_VERSIONS: ReadonlyArray<{ value: '4' | '3'; label: string }> = [
  { value: '4', label: 'MQTT 3.1.1' },
  { value: '3', label: 'MQTT 3.1' },
];

/** dxl service: how long the flow has to answer a request before the requester gets an error response, in seconds. */
export const DEFAULT_SERVICE_ANSWER_TIMEOUT_S = 20;
/** dxl service: requests waiting for the flow's answer at most; beyond, a request is refused as overloaded. */
export const DEFAULT_SERVICE_MAX_PENDING = 1000;
/** Timeouts a node setting may give, in seconds (an hour). */
export const MAX_TIMEOUT_S = 3600;
/** dxl response: the code of an error response when the node gives none. */
export const DEFAULT_ERROR_RESPONSE_CODE = 1;
