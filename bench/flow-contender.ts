import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { ArrivalMeter } from './arrivals';
import { connectLibrary } from './library-client';
import { FILE_HASHES, type FlowJob, type FlowResult } from './workload';

/*
 * Node-RED end to end, in a running runtime (embedded, no editor): this package linked into a
 * temporary user directory, a tie-config on the broker, and either tie-get-reputation (messages
 * kept `inFlight` at a time), a function node in its place (the floor: what Node-RED itself costs
 * per message with the same driver) or tie-reputation-change (events published by another process).
 * Prints `RESULT <json>`. For events it prints `READY` once subscribed and counts what arrives.
 */

interface RuntimeNode {
  receive(msg: object): void;
  on(event: 'input', listener: (msg: object) => void): void;
}
interface NodeRedRuntime {
  init(settings: object): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  nodes: { getNode(id: string): RuntimeNode | null };
}

const job = JSON.parse(process.argv[2]) as FlowJob;
const root = path.resolve(__dirname, '..', '..');

/** The floor's answer: a reputation dict and a verdict, as the lookup sets them. */
const FLOOR_FUNCTION = [
  'msg.payload = { 1: { providerId: 1, trustLevel: 99, createDate: 1451502875, attributes: {} } };',
  "msg.verdict = { trustLevel: 99, trustLevelName: 'Known Trusted Installer', providerId: 1 };",
  'return msg;',
].join('\n');

/**
 * The floor's answer given a timer later (at least a millisecond): the process sleeps before each
 * answer and wakes for it, as it does for a lookup's answer from the broker, which the floor's
 * synchronous answer never does.
 */
const WAKING_FLOOR_FUNCTION = [
  FLOOR_FUNCTION.replace('return msg;', ''),
  'setTimeout(() => { node.send(msg); node.done(); }, 0);',
  'return;',
].join('\n');

/** The library's lookup from a function node: the TieClient comes from the global context. */
const LIBRARY_FUNCTION = [
  "global.get('tie').getReputationWithVerdict({ subject: 'file', hashes: msg.payload }).then(",
  '  (found) => { msg.payload = found.reputations; msg.verdict = found.verdict; node.send(msg); node.done(); },',
  '  (error) => node.done(error),',
  ');',
  'return;',
].join('\n');

function flows(): object[] {
  const tab = { id: 'bench-tab', type: 'tab', label: 'bench' };
  // An empty change node: the cheapest core node to listen on.
  const sink = { id: 'bench-sink', type: 'change', z: 'bench-tab', rules: [], wires: [] };
  if (job.mode === 'floor' || job.mode === 'floor-waking' || job.mode === 'lookup-in-function') {
    const func = job.mode === 'floor' ? FLOOR_FUNCTION : job.mode === 'floor-waking' ? WAKING_FLOOR_FUNCTION : LIBRARY_FUNCTION;
    return [tab, { id: 'bench-node', type: 'function', z: 'bench-tab', func, outputs: 1, wires: [['bench-sink']] }, sink];
  }
  const config = {
    id: 'bench-config',
    type: 'tie-config',
    brokers: [{ host: job.broker.host, port: job.broker.port }],
    tlsSource: 'files',
    caFile: job.broker.ca,
    certFile: job.broker.cert,
    keyFile: job.broker.key,
    cache: job.mode === 'lookup-cached',
    cacheTtl: 3600,
  };
  const worker =
    job.mode === 'events'
      ? {
          id: 'bench-node',
          type: 'tie-reputation-change',
          z: 'bench-tab',
          connection: 'bench-config',
          subject: 'file',
          filter: 'all',
          wires: [['bench-sink']],
        }
      : {
          id: 'bench-node',
          type: 'tie-get-reputation',
          z: 'bench-tab',
          connection: 'bench-config',
          subject: 'file',
          input: 'payload',
          inputType: 'msg',
          wires: [['bench-sink']],
        };
  return [tab, config, worker, sink];
}

async function startRuntime(): Promise<NodeRedRuntime> {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-bench-nr-'));
  fs.mkdirSync(path.join(userDir, 'node_modules'));
  fs.symlinkSync(root, path.join(userDir, 'node_modules', 'node-red-contrib-tie'), 'junction');
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flows()));
  fs.writeFileSync(
    path.join(userDir, 'package.json'),
    JSON.stringify({ name: 'bench', private: true, dependencies: { 'node-red-contrib-tie': '*' } }),
  );
  process.on('exit', () => fs.rmSync(userDir, { recursive: true, force: true }));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RED = require('node-red') as NodeRedRuntime;
  RED.init({
    functionGlobalContext: job.mode === 'lookup-in-function' ? { tie: (await connectLibrary(job.broker)).tie } : {},
    userDir,
    flowFile: 'flows.json',
    httpAdminRoot: false,
    httpNodeRoot: false,
    credentialSecret: false,
    logging: { console: { level: 'warn' } },
  });
  await RED.start();
  return RED;
}

async function lookups(sink: RuntimeNode, node: RuntimeNode, count: number): Promise<void> {
  let sent = 0;
  let received = 0;
  await new Promise<void>((resolve) => {
    sink.on('input', () => {
      received++;
      if (received === count) resolve();
      else if (sent < count) {
        sent++;
        node.receive({ payload: FILE_HASHES.md5 });
      }
    });
    for (; sent < Math.min(job.inFlight, count); sent++) node.receive({ payload: FILE_HASHES.md5 });
  });
}

/** Profiles what `measure` runs when the job asks for a profile: the measured messages only. */
async function profiled<T>(measure: () => Promise<T>): Promise<T> {
  if (job.profileFile === undefined) return measure();
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const result = await measure();
  const { profile } = await session.post('Profiler.stop');
  fs.writeFileSync(job.profileFile, JSON.stringify(profile));
  session.disconnect();
  return result;
}

async function main(): Promise<void> {
  const RED = await startRuntime();
  const running = (id: string): Promise<RuntimeNode> =>
    new Promise((resolve, reject) => {
      const deadline = Date.now() + 10_000;
      const poll = (): void => {
        const found = RED.nodes.getNode(id);
        if (found) resolve(found);
        else if (Date.now() > deadline) reject(new Error(`node ${id} did not start (is the package linked?)`));
        else setTimeout(poll, 50);
      };
      poll();
    });
  const node = await running('bench-node');
  const sink = await running('bench-sink');
  if (job.mode === 'events') {
    const meter = new ArrivalMeter(job.warmup, job.messages);
    sink.on('input', meter.arrive);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // subscription made at deploy
    const figures = await profiled(async () => {
      process.stdout.write('READY\n');
      return meter.quiet();
    });
    report(figures.events, figures.elapsedMs, figures.cpu);
  } else {
    await lookups(sink, node, job.warmup);
    const figures = await profiled(async () => {
      process.stdout.write('MEASURE-START\n');
      const cpuBefore = process.cpuUsage();
      const started = process.hrtime.bigint();
      await lookups(sink, node, job.messages);
      const measured = { elapsedMs: Number(process.hrtime.bigint() - started) / 1e6, cpu: process.cpuUsage(cpuBefore) };
      process.stdout.write('MEASURE-END\n');
      return measured;
    });
    report(job.messages, figures.elapsedMs, figures.cpu);
  }
  await RED.stop();
  process.exit(0);
}

function report(messages: number, elapsedMs: number, cpu: NodeJS.CpuUsage): void {
  const result: FlowResult = {
    mode: job.mode,
    broker: job.mode === 'floor' || job.mode === 'floor-waking' ? '' : job.broker.name,
    inFlight: job.inFlight,
    messages,
    cpuMicrosPerMessage: (cpu.user + cpu.system) / messages,
    systemMicrosPerMessage: cpu.system / messages,
    messagesPerSecond: messages / (elapsedMs / 1000),
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}
main().catch((error: Error) => {
  process.stderr.write(`flow contender: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
