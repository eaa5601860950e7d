import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startFabric, startTieSimulator } from '../src/fabric';

/*
 * `npm start`: the embedded fabric with the TIE simulator (periodic detection and
 * first-instance events on) and Node-RED with this package, a tie-config pointing at
 * the fabric and the showcase flow, all on loopback. Ctrl-C stops everything.
 * Environment: PORT (editor, default 1880), TIE_FABRIC_PORT (default: a free port),
 * TIE_EVENT_INTERVAL (seconds between simulated events, default 20).
 */

const root = path.resolve(__dirname, '..', '..');
const userDir = path.join(root, '.node-red-data');
const flowFile = path.join(userDir, 'flows.json');
const editorPort = Number(process.env.PORT ?? 1880);
const fabricPort = Number(process.env.TIE_FABRIC_PORT ?? 0);
const eventIntervalMs = Number(process.env.TIE_EVENT_INTERVAL ?? 20) * 1000;
const DEMO_CONFIG_ID = 'tie-demo-fabric';
const DEMO_TAB_ID = 'tie-demo-tab';
const SHOWCASE = path.join(root, 'examples', 'showcase-triage.json');

interface FlowNode {
  id: string;
  type: string;
  connection?: string;
  [key: string]: unknown;
}

function writeSettings(): string {
  const settingsFile = path.join(userDir, 'settings.js');
  const settings = {
    uiHost: '127.0.0.1',
    uiPort: editorPort,
    flowFile: 'flows.json',
    // The demo keeps no secrets: its tie-config reads the fabric's dxlclient.config from disk.
    credentialSecret: false,
    editorTheme: { tours: false, projects: { enabled: false } },
    logging: { console: { level: 'info', metrics: false, audit: false } },
  };
  fs.writeFileSync(settingsFile, `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
  return settingsFile;
}

/** Makes this checkout an installed module of the user directory, as `npm install` would. */
function linkPackage(): void {
  const modules = path.join(userDir, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  const link = path.join(modules, 'node-red-contrib-tie');
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(root, link, 'junction');
  const manifest = path.join(userDir, 'package.json');
  if (!fs.existsSync(manifest)) {
    fs.writeFileSync(manifest, JSON.stringify({ name: 'node-red-project', private: true, dependencies: { 'node-red-contrib-tie': '*' } }, null, 2));
  }
}

function demoConfigNode(configPath: string): FlowNode {
  return { id: DEMO_CONFIG_ID, type: 'tie-config', name: 'Embedded fabric', source: 'file', configFile: configPath };
}

/**
 * The first start deploys the showcase flow; later starts keep the user's flows and only
 * point the demo tie-config at this run's fabric.
 */
function writeFlows(configPath: string): void {
  if (fs.existsSync(flowFile)) {
    const flows = JSON.parse(fs.readFileSync(flowFile, 'utf8')) as FlowNode[];
    const config = flows.find((node) => node.id === DEMO_CONFIG_ID);
    if (config) config.configFile = configPath;
    else flows.push(demoConfigNode(configPath));
    fs.writeFileSync(flowFile, JSON.stringify(flows, null, 2));
    return;
  }
  const showcase = JSON.parse(fs.readFileSync(SHOWCASE, 'utf8')) as FlowNode[];
  const tab: FlowNode = { id: DEMO_TAB_ID, type: 'tab', label: 'TIE triage' };
  for (const node of showcase) {
    node.z = DEMO_TAB_ID;
    if ('connection' in node) node.connection = DEMO_CONFIG_ID;
  }
  fs.writeFileSync(flowFile, JSON.stringify([tab, ...showcase, demoConfigNode(configPath)], null, 2));
}

async function main(): Promise<void> {
  fs.mkdirSync(userDir, { recursive: true });
  const fabric = await startFabric({
    port: fabricPort,
    dataDir: path.join(userDir, 'tie-fabric'),
    simulator: (dxl, context) => startTieSimulator(dxl, context, { periodicEvents: { intervalMs: eventIntervalMs } }),
    log: (line) => process.stderr.write(`[fabric] ${line}\n`),
  });
  process.stdout.write(`DXL fabric with the TIE simulator on ${fabric.host}:${fabric.port} (client config: ${fabric.configPath})\n`);

  linkPackage();
  writeFlows(fabric.configPath);
  const settingsFile = writeSettings();
  const red: ChildProcess = spawn(
    process.execPath,
    [require.resolve('node-red/red.js'), '--userDir', userDir, '--settings', settingsFile],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  red.stdout?.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (chunk.toString().includes('Server now running')) {
      process.stdout.write(`\nNode-RED editor: http://127.0.0.1:${editorPort}/   (Ctrl-C stops Node-RED and the fabric)\n\n`);
    }
  });

  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) process.exit(code);
    stopping = true;
    red.kill('SIGINT');
    await new Promise<void>((resolve) => (red.exitCode !== null ? resolve() : red.once('exit', () => resolve())));
    await fabric.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  red.once('exit', (code) => {
    if (!stopping) {
      process.stderr.write(`Node-RED exited (${code ?? 'signal'})\n`);
      void stop(code ?? 1);
    }
  });
}

main().catch((error: Error) => {
  process.stderr.write(`npm start failed: ${error.message}\n`);
  process.exit(1);
});
