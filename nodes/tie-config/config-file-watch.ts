/**
 * A tie-config whose settings come from a dxlclient.config on the server follows that file: when
 * the file or a PEM file it names changes (tie-fabric restarted on another port, `tie-dxl update`
 * rewrote the broker list, certificates renewed), the connection's client takes the new brokers and
 * TLS material and reconnects, without a redeploy. Files are polled (fs.watchFile), which also sees
 * a file replaced by a rename or made again after a delete; a change is acted on once the files
 * have been quiet for a moment, and only when their contents differ from what the client uses.
 * When no client could be made from them (the file was not there yet, or not usable), a change is
 * a reason to try again ('retry'), whatever the state was at deploy.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { DxlClient } from '../../src/dxl/client';
import { loadDxlConfig } from '../../src/dxl/config';
import { DxlError, DxlErrorCode } from '../../src/dxl/errors';
import { expandHome } from '../../src/dxl/home-path';
import { DXL_CONFIG_FILE, PEM_FILE, readFileSafely } from '../../src/dxl/safe-file';
import {
  type ConnectionTuning,
  DEFAULT_CONFIG_FILE_CHECK_MS,
  type TieConfigCredentials,
  type TieConfigSettings,
  buildClientOptions,
} from './client-options';
import { CONFIG_FILE_CHANGED } from '../kit/status';

const DEFAULT_QUIET_MS = 300;

export type ConfigFileEvent =
  /** The files changed and the client (if one is open) reconnects with them. */
  | { kind: 'changed'; file: string }
  /** The files changed but cannot be used as they are now; the client keeps the old settings. */
  | { kind: 'unusable'; file: string; error: DxlError }
  /** The files changed and no client was made from them yet: the connection tries to make one now. */
  | { kind: 'retry'; file: string };

export interface FollowOptions {
  settings: TieConfigSettings;
  credentials: TieConfigCredentials;
  tuning?: ConnectionTuning;
  onEvent: (event: ConfigFileEvent) => void;
  /** Default DEFAULT_CONFIG_FILE_CHECK_MS. */
  checkIntervalMs?: number;
  /** How long the files must stay unchanged before they are read. Default 300 ms. */
  quietMs?: number;
}

export interface ConfigFileFollower {
  /** The client just made from the files: it is the one reconfigured when they change. */
  track(client: DxlClient): void;
  /** Stops watching. */
  close(): void;
}

/** The config file, first, and the PEM files it names (those it names while it can be read). */
function filesOf(configFile: string): string[] {
  try {
    const config = loadDxlConfig(configFile);
    return [configFile, config.brokerCertChain, config.certFile, config.privateKey];
  } catch {
    return [configFile];
  }
}

/**
 * What the files hold now: one digest for all, a file that cannot be read counted by why (read as
 * the connection reads them: a FIFO, a device or an oversized file is refused, never read).
 */
function fingerprintOf(files: readonly string[]): string {
  const hash = createHash('sha256');
  files.forEach((file, index) => {
    hash.update(file).update('\0');
    try {
      hash.update(readFileSafely(file, index === 0 ? DXL_CONFIG_FILE : PEM_FILE));
    } catch (error) {
      hash.update(`unreadable:${(error as Error).message}`);
    }
    hash.update('\0');
  });
  return hash.digest('hex');
}

/** Follows the dxlclient.config of a file-based tie-config; undefined for one set in the form. */
export function followConfigFile(options: FollowOptions): ConfigFileFollower | undefined {
  const { settings, credentials, tuning = {}, onEvent } = options;
  const given = typeof settings.configFile === 'string' ? settings.configFile.trim() : '';
  if (settings.source !== 'file' || given === '') return undefined;
  const configFile = expandHome(given);
  const interval = options.checkIntervalMs ?? DEFAULT_CONFIG_FILE_CHECK_MS;
  const quietMs = options.quietMs ?? DEFAULT_QUIET_MS;

  let client: DxlClient | undefined;
  let closed = false;
  let quietTimer: NodeJS.Timeout | undefined;
  const watched = new Set<string>();
  let files = filesOf(configFile);
  let fingerprint = fingerprintOf(files);

  const onStat = (): void => {
    if (closed) return;
    clearTimeout(quietTimer);
    quietTimer = setTimeout(check, quietMs);
    quietTimer.unref();
  };
  const watch = (list: readonly string[]): void => {
    for (const file of watched) {
      if (!list.includes(file)) {
        fs.unwatchFile(file, onStat);
        watched.delete(file);
      }
    }
    let added = false;
    for (const file of list) {
      if (watched.has(file)) continue;
      fs.watchFile(file, { interval, persistent: false }, onStat);
      watched.add(file);
      added = true;
    }
    // fs.watchFile takes its first stat later, on the thread pool: a change made before it is its
    // baseline and never reported. One check after the first interval sees it against our fingerprint.
    if (added) setTimeout(onStat, interval).unref();
  };

  function check(): void {
    if (closed) return;
    files = filesOf(configFile);
    watch(files);
    const now = fingerprintOf(files);
    if (now === fingerprint) return;
    fingerprint = now;
    if (client === undefined) {
      onEvent({ kind: 'retry', file: given });
      return;
    }
    let clientOptions;
    try {
      clientOptions = buildClientOptions(settings, credentials, tuning);
    } catch (error) {
      onEvent({ kind: 'unusable', file: given, error: asConfigError(error) });
      return;
    }
    try {
      client.reconfigure(clientOptions, `${given} changed: reconnecting with what it says now`, CONFIG_FILE_CHANGED);
    } catch (error) {
      // A client closed meanwhile (its connection lingered out): the next one is made from the files anyway.
      if (!(error instanceof DxlError && error.code === DxlErrorCode.Closed)) {
        onEvent({ kind: 'unusable', file: given, error: asConfigError(error) });
        return;
      }
    }
    onEvent({ kind: 'changed', file: given });
  }

  watch(files);
  return {
    track(made) {
      client = made;
      // The client was made from the files as they are now.
      files = filesOf(configFile);
      watch(files);
      fingerprint = fingerprintOf(files);
    },
    close() {
      closed = true;
      clearTimeout(quietTimer);
      for (const file of watched) fs.unwatchFile(file, onStat);
      watched.clear();
      client = undefined;
    },
  };
}

function asConfigError(error: unknown): DxlError {
  return error instanceof DxlError ? error : new DxlError(DxlErrorCode.Config, error instanceof Error ? error.message : String(error));
}
