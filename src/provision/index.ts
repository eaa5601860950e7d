/** Provisioning a DXL client from ePO or an OpenDXL management console. */
export { type CsrOptions, type CsrSubject, type KeyAndCsr, CSR_KEY_BITS, generateKeyAndCsr } from './csr';
export { ProvisionError, ProvisionErrorCode, type ProvisionErrorCodeValue, type ProvisionErrorDetails } from './errors';
export { DEFAULT_MANAGEMENT_PORT } from '../dxl/numbers';
export { DEFAULT_MANAGEMENT_TIMEOUT_MS, type ManagementServer } from './management-server';
export { MAX_REDIRECTS, runManagementCommand } from './management-command';
export type { BrokerList, ProvisioningPackage } from './management-payloads';
export {
  type BrokerUpdate,
  type ProvisionedClient,
  ManagementCommand,
  fetchBrokerList,
  fetchBrokerUpdate,
  fetchCaBundle,
  provisionDxlClient,
  provisionedClientOptions,
} from './provision';
export {
  CA_BUNDLE_FILE_NAME,
  CONFIG_FILE_NAME,
  type ConfigFiles,
  DEFAULT_FILE_PREFIX,
  type WriteConfigOptions,
  configFilePaths,
  existingConfigFiles,
  formatProvisionedConfig,
  updateConfigFile,
  writeProvisionedConfig,
} from './config-files';
