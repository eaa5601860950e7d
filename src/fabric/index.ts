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
export { TieSimulator, type TieSimulatorOptions } from './tie-simulator';
