import fs from 'node:fs';
import path from 'node:path';

/*
 * Which Node-RED runs the demo and the Node-RED-facing tests: the folder of a `node-red` package
 * named by TIE_NODE_RED_DIR (the version matrix sets it to one installed per major), else the one
 * this checkout depends on.
 */

export interface NodeRedRuntime {
  /** The `node-red` package folder. */
  readonly dir: string;
  readonly version: string;
  readonly major: number;
  /** The module a program `require`s to embed Node-RED (its package `main`). */
  readonly main: string;
  /** The script that starts Node-RED as a program. */
  readonly redJs: string;
}

export function nodeRedRuntime(env: NodeJS.ProcessEnv = process.env): NodeRedRuntime {
  const dir = env.TIE_NODE_RED_DIR ? path.resolve(env.TIE_NODE_RED_DIR) : path.dirname(require.resolve('node-red/package.json'));
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string; main?: string };
  return {
    dir,
    version: manifest.version,
    major: Number(manifest.version.split('.')[0]),
    main: path.join(dir, manifest.main ?? 'lib/red.js'),
    redJs: path.join(dir, 'red.js'),
  };
}
