/**
 * Paths as people type them: a leading `~` is the home folder of the user running Node-RED (or
 * the command), as a shell would expand it. Node's fs does not, so every place that reads or
 * writes a path a person gave expands it first.
 */
import os from 'node:os';
import path from 'node:path';

/** `~` and `~/…` (`~\…` on Windows) → the home folder; anything else (`~user/…` included) as given. */
export function expandHome(file: string): string {
  if (file === '~') return os.homedir();
  if (file.startsWith('~/') || (path.sep === '\\' && file.startsWith('~\\'))) return path.join(os.homedir(), file.slice(2));
  return file;
}

/** An absolute path for what a person typed: `~` expanded, then resolved against the working folder. */
export function resolveUserPath(file: string): string {
  return path.resolve(expandHome(file));
}
