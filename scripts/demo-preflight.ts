import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/*
 * What the demo checks before it writes anything: that its ports are free and that no other
 * demo uses its user directory (two demos on one directory would rewrite each other's
 * dxlclient.config and flows).
 */

export type DemoPort = 'editor' | 'fabric';

/** A port the demo needs is taken; `port` and `role` say which. */
export class DemoPortInUse extends Error {
  constructor(
    readonly role: DemoPort,
    readonly port: number,
  ) {
    super(`port ${port} (${role === 'editor' ? 'the Node-RED editor' : 'the DXL fabric'}) is already in use on 127.0.0.1`);
    this.name = 'DemoPortInUse';
  }
}

/** The user directory is held by another running demo, process `pid`. */
export class DemoUserDirInUse extends Error {
  constructor(
    readonly userDir: string,
    readonly pid: number,
  ) {
    super(`the Node-RED user directory ${userDir} is in use by another npm start (process ${pid})`);
    this.name = 'DemoUserDirInUse';
  }
}

/** Rejects with DemoPortInUse when `port` cannot be bound on `host` right now. */
export function assertPortFree(port: number, host: string, role: DemoPort): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? new DemoPortInUse(role, port) : error),
    );
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve()));
  });
}

const LOCK_FILE = 'tie-demo.pid';

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of a live demo holding `userDir`, if any (a stale lock of a crashed demo is ignored). */
export function userDirHolder(userDir: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(userDir, LOCK_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && running(pid) ? pid : undefined;
}

/** Marks `userDir` as this process's; the returned function releases it. */
export function holdUserDir(userDir: string): () => void {
  const file = path.join(userDir, LOCK_FILE);
  fs.writeFileSync(file, `${process.pid}\n`);
  return () => {
    try {
      if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file, { force: true });
    } catch {
      // Already gone.
    }
  };
}
