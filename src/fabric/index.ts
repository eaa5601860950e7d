export {
  DEFAULT_FABRIC_HOST,
  DEFAULT_FABRIC_PORT,
  DEFAULT_MAX_MESSAGE_BYTES,
  defaultDataDir,
  type FabricOptions,
  type FabricService,
  type FabricServiceFactory,
  type RunningFabric,
  startFabric,
} from './fabric';
export { type ClientConfigOptions, CLIENT_CONFIG_FILE, formatClientConfig } from './client-config';
export { type FabricPki, loadOrCreateFabricPki } from './pki-store';
export { type KeyPairPem, certificateSha1, createCertificateAuthority, issueCertificate } from './pki';
