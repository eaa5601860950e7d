/**
 * A tie-config's dxlclient.config that is not there yet: the error says how to make one, since the
 * usual reason is an example imported before `tie-fabric` first ran. The connection tries again
 * by itself when the file appears (config-file-watch.ts).
 */
import { type DxlConfig, loadDxlConfig } from '../../src/dxl/config';
import { DxlError, DxlErrorCode } from '../../src/dxl/errors';
import { FileReadError } from '../../src/dxl/safe-file';

/** The ways to get a dxlclient.config, for a message that says the file is missing. */
export const HOW_TO_MAKE_CONFIG_FILE =
  'start the embedded fabric (npx --prefix ~/.node-red tie-fabric writes ~/.node-red-contrib-tie/fabric/dxlclient.config), ' +
  'provision a certificate in the Provisioning tab, or import a dxlclient.config in this tie-config; ' +
  'the connection is made as soon as the file is there, without a redeploy';

function isMissing(error: unknown): boolean {
  return error instanceof FileReadError && (error.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** loadDxlConfig, its "file not found" saying how to make the file. */
export function loadFollowedConfig(file: string): DxlConfig {
  try {
    return loadDxlConfig(file);
  } catch (error) {
    if (!isMissing(error)) throw error;
    throw new DxlError(DxlErrorCode.Config, `${file}: file not found: ${HOW_TO_MAKE_CONFIG_FILE}`, { cause: error });
  }
}
