/** The package's programmatic API: the DXL client, its configuration and errors. */
export { DxlClient, ServiceHandlerFailed } from './dxl/client';
export type { DxlClientOptions, DxlLogger } from './dxl/client';
export type {
  DxlMessaging,
  EventOptions,
  MessageHandler,
  RequestHandler,
  RequestOptions,
  ServiceInfo,
  ServiceRegistration,
  Unsubscribe,
} from './dxl/api';
export { loadDxlConfig, parseDxlConfig, parseBrokerLine } from './dxl/config';
export type { BrokerAddress, DxlConfig, ProxySettings } from './dxl/config';
export type { ConnectionState, ConnectionStatus } from './dxl/connection-state';
export { DxlError, DxlErrorCode, FabricErrorCode } from './dxl/errors';
export type { DxlErrorCodeValue } from './dxl/errors';
export { MessageType, parseJsonPayload } from './dxl/message';
export { decodeMessage, encodeMessage } from './dxl/envelope';
export type { DxlMessage, DxlPayload } from './dxl/message';

/** TIE: the client, its constants, hash helpers, verdicts and errors. */
export * from './tie';

/** The embedded DXL fabric for demos and tests. */
export * from './fabric';

/** Provisioning a client from ePO or an OpenDXL console: key and CSR made here, config out. */
export * from './provision';
