export {
  DEFAULT_FABRIC_HOST,
  DEFAULT_FABRIC_PORT,
  DEFAULT_MAX_MESSAGE_BYTES,
  defaultDataDir,
  type FabricManagement,
  type FabricManagementOptions,
  type FabricOptions,
  type FabricService,
  type FabricServiceFactory,
  type RunningFabric,
  startFabric,
} from './fabric';
export { TieSimulator, type TieSimulatorOptions } from './tie-simulator';
export { startTieSimulator } from './simulator-host';
export {
  type TopicPolicy,
  type TopicPolicyRule,
  TopicPolicyError,
  TopicPolicyErrorCode,
  openTopicPolicy,
  parseTopicPolicy,
  readTopicPolicy,
} from './topic-policy';
export { readTopicPolicyFile } from './topic-policy-file';
export { tieSimulatorPolicy } from './default-policy';
