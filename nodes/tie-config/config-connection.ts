/** The shared connection of a tie-config node, built from its settings and credentials. */
import { DxlClient } from '../../src/dxl/client';
import { tieAuthorizationGroup } from '../../src/tie/authorization';
import {
  type ConnectionTuning,
  type TieConfigCredentials,
  type TieConfigSettings,
  buildClientOptions,
  buildTieOptions,
} from './client-options';
import { SharedConnection, type StateListener } from '../kit/connection';

export interface ConfigConnectionOptions {
  settings: TieConfigSettings;
  credentials: TieConfigCredentials;
  /** Node-RED settings (reconnect backoff) and the node's log. */
  tuning?: ConnectionTuning;
  /** Every state change, for the config node's log. */
  onStateChange?: StateListener;
  /** Each client made, for what follows it (config-file-watch.ts). */
  onClient?: (client: DxlClient) => void;
}

/** A SharedConnection whose client is made from the settings when the first node needs it (DXL_CONFIG then if they are wrong). */
export function configNodeConnection(options: ConfigConnectionOptions): SharedConnection {
  const { settings, credentials, tuning = {}, onStateChange, onClient } = options;
  return new SharedConnection({
    createClient: () => {
      // A timeout on a topic the registry shows served says it is probably not authorized, naming TIE's ePO group.
      const client = new DxlClient({
        ...buildClientOptions(settings, credentials, tuning),
        explainTimeouts: true,
        authorizationGroup: tieAuthorizationGroup,
      });
      onClient?.(client);
      return client;
    },
    tieOptions: buildTieOptions(settings),
    ...(onStateChange === undefined ? {} : { onStateChange }),
  });
}
