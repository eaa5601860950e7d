/**
 * A Node-RED runtime in a process of its own, as an operator runs one: a temporary user directory
 * with this package linked into its node_modules, a flows file, the admin HTTP API for deploys,
 * and a clean stop by SIGINT (Node-RED stops its flows, then exits).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { nodeRedRuntime } from '../../../scripts/node-red-runtime';
import { freePort, waitForPort } from '../../../test-kit/ports';
import type { FlowNode } from '../../support/node-red-helper';

/** From dist/test/faults/support to the repository root. */
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;

export type DeployType = 'full' | 'flows' | 'nodes';

export interface NodeRedProcess {
  readonly name: string;
  readonly port: number;
  /** Everything it printed. */
  readonly output: () => string;
  /** Deploys `flows` as the editor's Deploy button of that type does; resolves once Node-RED answered. */
  deploy(flows: FlowNode[], type: DeployType): Promise<void>;
  /** SIGINT: Node-RED stops its flows (each node's close) and exits; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, for cleanup. */
  kill(): void;
}

const living = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of living) child.kill('SIGKILL');
});

function post(port: number, urlPath: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path: urlPath, method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

export async function startNodeRedProcess(name: string, flows: FlowNode[]): Promise<NodeRedProcess> {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), `tie-node-red-${name}-`));
  fs.mkdirSync(path.join(userDir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(userDir, 'node_modules', 'node-red-contrib-tie'), 'dir');
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flows));
  const port = await freePort();
  const settings = path.join(userDir, 'settings.js');
  fs.writeFileSync(
    settings,
    `module.exports = { uiHost: '127.0.0.1', uiPort: ${port}, flowFile: 'flows.json', credentialSecret: false, logging: { console: { level: 'info' } } };\n`,
  );
  const child = spawn(process.execPath, [nodeRedRuntime().redJs, '--userDir', userDir, '--settings', settings], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  living.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      living.delete(child);
      fs.rmSync(userDir, { recursive: true, force: true });
      resolve(code);
    }),
  );
  try {
    await waitForPort(port, START_TIMEOUT_MS);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`Node-RED ${name} did not start: ${(error as Error).message}\n${output}`, { cause: error });
  }
  return {
    name,
    port,
    output: () => output,
    async deploy(next, type) {
      const status = await post(port, '/flows', { 'Node-RED-Deployment-Type': type, 'Node-RED-API-Version': 'v1' }, JSON.stringify(next));
      if (status !== 200 && status !== 204) throw new Error(`Node-RED ${name}: POST /flows (${type}) answered ${status}`);
    },
    async stop() {
      child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Node-RED ${name} did not stop within ${STOP_TIMEOUT_MS} ms`)), STOP_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
      return code;
    },
    kill() {
      child.kill('SIGKILL');
    },
  };
}
