import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { type FabricManagementOptions, type RunningFabric, startFabric, startTieSimulator } from '../src/fabric';
import { initialValue } from '../nodes/kit/properties';
import { PROPERTIES as TIE_CONFIG_PROPERTIES } from '../nodes/tie-config/properties';
import { DemoUserDirInUse, assertPortFree, holdUserDir, userDirHolder } from './demo-preflight';
import { freePort } from './free-port';
import { nodeRedRuntime } from './node-red-runtime';

/*
 * The demo that `npm start` runs and the editor test drives: the embedded fabric with the TIE
 * simulator and Node-RED (a child process) with this checkout installed as a module of its user
 * directory, a tie-config reading the fabric's dxlclient.config and the showcase flow, all on
 * loopback.
 */

const root = path.resolve(__dirname, '..', '..');
export const DEMO_CONFIG_ID = 'tie-demo-fabric';
export const DEMO_TAB_ID = 'tie-demo-tab';
const SHOWCASE = path.join(root, 'examples', 'showcase-triage.json');

export interface DemoOptions {
  /** Node-RED editor port. Default 1880; 0 picks a free one. */
  editorPort?: number;
  /** MQTT over TLS port of the fabric. Default 0: a free one. */
  fabricPort?: number;
  /** Node-RED user directory. Default `.node-red-data/` in the checkout. */
  userDir?: string;
  /** Time between the simulator's detection / first-instance events. Default 20 s; 0 turns them off. */
  eventIntervalMs?: number;
  /** Also serve the fabric's management API (for provisioning from the editor). Off when absent. */
  management?: FabricManagementOptions;
  /** Where Node-RED's output and the fabric's log lines go. Default: this process's stdout / stderr. */
  output?: (text: string) => void;
  /** Milliseconds to wait for the editor to answer. Default 60 s. */
  startTimeoutMs?: number;
}

export interface Demo {
  /** `http://127.0.0.1:<port>/` */
  readonly editorUrl: string;
  readonly editorPort: number;
  readonly userDir: string;
  readonly fabric: RunningFabric;
  /** Resolves with Node-RED's exit code (null after a signal) when it exits, for whatever reason. */
  readonly exited: Promise<number | null>;
  /** Stops Node-RED, then the fabric. Safe to call twice. */
  close(): Promise<void>;
}

interface FlowNode {
  id: string;
  type: string;
  connection?: string;
  [key: string]: unknown;
}

function writeSettings(userDir: string, editorPort: number): string {
  const settingsFile = path.join(userDir, 'settings.js');
  const settings = {
    uiHost: '127.0.0.1',
    uiPort: editorPort,
    flowFile: 'flows.json',
    // The demo keeps no secrets: its tie-config reads the fabric's dxlclient.config from disk.
    credentialSecret: false,
    // Loopback only: no update checks against nodered.org.
    diagnostics: { enabled: false, ui: false },
    telemetry: { enabled: false },
    editorTheme: { tours: false, projects: { enabled: false } },
    logging: { console: { level: 'info', metrics: false, audit: false } },
  };
  fs.writeFileSync(settingsFile, `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
  return settingsFile;
}

/** Makes this checkout an installed module of the user directory, as `npm install` would. */
function linkPackage(userDir: string): void {
  const modules = path.join(userDir, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  const link = path.join(modules, 'node-red-contrib-tie');
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(root, link, 'junction');
  const manifest = path.join(userDir, 'package.json');
  if (!fs.existsSync(manifest)) {
    fs.writeFileSync(
      manifest,
      JSON.stringify({ name: 'node-red-project', private: true, dependencies: { 'node-red-contrib-tie': '*' } }, null, 2),
    );
  }
}

/**
 * The demo's tie-config: every property its editor has, at the editor's default (so its dialog
 * opens filled in), reading this run's dxlclient.config; the broker list names this run's
 * fabric too, for a user who switches the settings to the form.
 */
function demoConfigNode(fabric: RunningFabric): FlowNode {
  const defaults = Object.fromEntries(
    Object.entries(TIE_CONFIG_PROPERTIES).map(([name, property]) => [name, initialValue(property, name)]),
  );
  return {
    ...defaults,
    id: DEMO_CONFIG_ID,
    type: 'tie-config',
    name: 'Embedded fabric',
    source: 'file',
    configFile: fabric.configPath,
    brokers: [{ host: fabric.host, port: fabric.port, id: fabric.brokerId }],
  };
}

/**
 * The first start deploys the showcase flow; later starts keep the user's flows and only
 * point the demo tie-config at this run's fabric (adding the properties an older one lacks).
 */
function writeFlows(flowFile: string, fabric: RunningFabric): void {
  const config = demoConfigNode(fabric);
  if (fs.existsSync(flowFile)) {
    const flows = JSON.parse(fs.readFileSync(flowFile, 'utf8')) as FlowNode[];
    const index = flows.findIndex((node) => node.id === DEMO_CONFIG_ID);
    if (index >= 0) {
      const { configFile, brokers } = config;
      flows[index] = { ...config, ...flows[index], configFile, brokers };
    } else flows.push(config);
    fs.writeFileSync(flowFile, JSON.stringify(flows, null, 2));
    return;
  }
  const showcase = JSON.parse(fs.readFileSync(SHOWCASE, 'utf8')) as FlowNode[];
  const tab: FlowNode = { id: DEMO_TAB_ID, type: 'tab', label: 'TIE triage' };
  for (const node of showcase) {
    node.z = DEMO_TAB_ID;
    if ('connection' in node) node.connection = DEMO_CONFIG_ID;
  }
  fs.writeFileSync(flowFile, JSON.stringify([tab, ...showcase, config], null, 2));
}

function startFabricFor(
  userDir: string,
  port: number,
  eventIntervalMs: number,
  output: (text: string) => void,
  management: FabricManagementOptions | undefined,
): Promise<RunningFabric> {
  return startFabric({
    port,
    dataDir: path.join(userDir, 'tie-fabric'),
    simulator: (dxl, context) =>
      startTieSimulator(dxl, context, { periodicEvents: eventIntervalMs > 0 ? { intervalMs: eventIntervalMs } : false }),
    log: (line) => output(`[fabric] ${line}\n`),
    ...(management ? { management } : {}),
  });
}

/** Resolves once the editor answers HTTP 200 on its root. */
async function waitForEditor(url: string, until: number, exited: Promise<number | null>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const request = http.get(url, (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      });
      request.setTimeout(2000, () => request.destroy());
      request.on('error', () => resolve(false));
    });
    if (ok) return;
    if (gone) throw new Error('Node-RED exited before its editor answered');
    if (Date.now() > until) throw new Error(`the Node-RED editor did not answer on ${url}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const userDir = path.resolve(options.userDir ?? path.join(root, '.node-red-data'));
  const output = options.output ?? ((text: string) => process.stdout.write(text));
  const eventIntervalMs = options.eventIntervalMs ?? 20_000;
  if (!(eventIntervalMs >= 0)) throw new RangeError('eventIntervalMs must be 0 (off) or a positive number of milliseconds');
  const editorPort = options.editorPort === 0 ? await freePort() : (options.editorPort ?? 1880);
  const fabricPort = options.fabricPort ?? 0;
  // Refused before anything is written: a second demo must not rewrite a running one's files.
  await assertPortFree(editorPort, '127.0.0.1', 'editor');
  if (fabricPort !== 0) await assertPortFree(fabricPort, '127.0.0.1', 'fabric');
  const holder = userDirHolder(userDir);
  if (holder !== undefined) throw new DemoUserDirInUse(userDir, holder);
  fs.mkdirSync(userDir, { recursive: true });
  const releaseUserDir = holdUserDir(userDir);

  let fabric: RunningFabric;
  try {
    fabric = await startFabricFor(userDir, fabricPort, eventIntervalMs, output, options.management);
  } catch (error) {
    releaseUserDir();
    throw error;
  }

  let red: ChildProcess;
  try {
    linkPackage(userDir);
    writeFlows(path.join(userDir, 'flows.json'), fabric);
    const settingsFile = writeSettings(userDir, editorPort);
    red = spawn(process.execPath, [nodeRedRuntime().redJs, '--userDir', userDir, '--settings', settingsFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    await fabric.close();
    releaseUserDir();
    throw error;
  }
  red.stdout?.on('data', (chunk: Buffer) => output(chunk.toString()));
  red.stderr?.on('data', (chunk: Buffer) => output(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => red.once('exit', (code) => resolve(code)));

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      if (red.exitCode === null && red.signalCode === null) {
        red.kill('SIGINT');
        const killer = setTimeout(() => red.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
      await fabric.close();
      releaseUserDir();
    })());

  const editorUrl = `http://127.0.0.1:${editorPort}/`;
  try {
    await waitForEditor(editorUrl, Date.now() + (options.startTimeoutMs ?? 60_000), exited);
  } catch (error) {
    await close();
    throw error;
  }
  return { editorUrl, editorPort, userDir, fabric, exited, close };
}
