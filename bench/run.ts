import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFabric } from '../src/fabric';
import { mosquittoBinary, startMosquitto } from '../test-kit/mosquitto';
import { testPki } from '../test-kit/pki-fixture';
import { renderFlowSection, renderReport, summarise } from './report';
import type {
  BrokerTarget,
  ContenderJob,
  ContenderKind,
  ContenderResult,
  EventJob,
  EventResult,
  FlowJob,
  FlowResult,
  InRound,
} from './workload';

/*
 * `npm run bench`: every contender on every broker at in-flight 1, 16 and 256, then Node-RED end
 * to end (its floor, our lookup with the cache off and on, events, and the library's event
 * delivery beside them), rounds interleaved so that drift of the machine hits all contenders alike.
 * Writes BENCHMARKS.md; fails only on errors, never on a slow figure.
 * Options: --rounds N (default 3), --quick (1 round, fewer requests), --soak N
 * (requests of the memory run, default 1000000; 0 skips it), --out FILE,
 * --flows (only what the Node-RED figures need: ours at in-flight 1 and 16, no soak),
 * --cpu-prof DIR (each Node-RED cell writes a CPU profile of its measured messages there, and each
 * library contender but the official one a profile of its whole process;
 * `node dist/bench/profile-summary.js FILE` sums one up),
 * --library (only the library table: no Node-RED cells, no soak), --kinds K,K (the contenders of the
 * library table, e.g. bare,ours: for an A/B of one change, run against two builds in turn),
 * --jit-log DIR (each library contender and Node-RED cell runs with `node --trace-opt`, its output
 * in DIR/<cell>.log; a lookup's measured messages lie between the lines MEASURE-START and MEASURE-END).
 */

const flowsOnly = process.argv.includes('--flows');
const libraryOnly = process.argv.includes('--library');
const IN_FLIGHT = flowsOnly ? [1, 16] : [1, 16, 256];
const ALL_KINDS: ContenderKind[] = ['floor', 'bare', 'ours', 'official'];
/** Messages kept in flight in the Node-RED lookup cells. */
const FLOW_IN_FLIGHT = [1, 16];

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1] : fallback;
}

const KINDS: ContenderKind[] = flowsOnly
  ? ['ours']
  : option('kinds', ALL_KINDS.join(','))
      .split(',')
      .filter((kind): kind is ContenderKind => (ALL_KINDS as string[]).includes(kind));
const quick = process.argv.includes('--quick');
const rounds = Number(option('rounds', quick ? '1' : '3'));
const soakRequests = Number(option('soak', quick || flowsOnly || libraryOnly ? '0' : '1000000'));
const cpuProfileDir = option('cpu-prof', '');
const jitLogDir = option('jit-log', '');
const outFile = path.resolve(option('out', path.join(__dirname, '..', '..', 'BENCHMARKS.md')));
const scale = quick ? 0.25 : 1;
const requestsAt = (inFlight: number): number => Math.round((inFlight === 1 ? 8000 : 30_000) * scale);

/**
 * The warm-up of a cell that measures `measured` messages: as many again, so that what is measured is
 * the steady state. With a tenth, V8 was still optimizing the road while the messages were measured
 * (`node --trace-opt`: about 100 functions of a Node-RED lookup at 1 in flight finished optimizing
 * among the measured messages, about 10 with as many again), and a process with more code to
 * optimize, Node-RED's, paid more of that into its figures.
 */
const warmupFor = (measured: number): number => measured;

function runNode(script: string, arg: unknown, nodeFlags: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, path.join(__dirname, script), JSON.stringify(arg)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Runs a measuring process, with `--trace-opt` into DIR/`cell`.log under --jit-log. */
function runMeasured(script: string, cell: string, arg: unknown, nodeFlags: string[] = []): ChildProcess {
  if (!jitLogDir) return runNode(script, arg, nodeFlags);
  const child = runNode(script, arg, ['--trace-opt', ...nodeFlags]);
  child.stdout?.pipe(fs.createWriteStream(path.join(jitLogDir, `${cell}.log`)));
  return child;
}

/** Resolves with the rest of the first stdout line that starts with `prefix` (peers may print their own lines). */
function lineStartingWith(child: ChildProcess, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith(prefix)) {
          child.stdout?.off('data', onData);
          child.stdout?.resume();
          resolve(line.slice(prefix.length));
          return;
        }
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${child.spawnargs[2]} exited with ${code} before reporting`)));
  });
}

async function runContender(job: ContenderJob, nodeFlags: string[] = []): Promise<ContenderResult> {
  const cell = `library-${job.broker.name}-${job.kind}-${job.inFlight}-${Date.now()}`;
  const line = await lineStartingWith(runMeasured('contender.js', cell, job, nodeFlags), 'RESULT ');
  return JSON.parse(line) as ContenderResult;
}

/** Runs a process that subscribes, prints READY, and reports once `count` published events stopped arriving. */
async function withPublishedEvents(child: ChildProcess, broker: BrokerTarget, count: number): Promise<string> {
  const result = lineStartingWith(child, 'RESULT ');
  await lineStartingWith(child, 'READY');
  const publisher = runNode('event-publisher.js', { broker, count });
  await new Promise((resolve) => publisher.once('exit', resolve));
  return result;
}

async function runFlowCell(job: FlowJob): Promise<FlowResult> {
  const profileFile = cpuProfileDir
    ? path.join(cpuProfileDir, `${job.broker.name}-${job.mode}-${job.inFlight}-${Date.now()}.cpuprofile`)
    : undefined;
  const cell = `${job.broker.name}-${job.mode}-${job.inFlight}-${Date.now()}`;
  const child = runMeasured('flow-contender.js', cell, profileFile === undefined ? job : { ...job, profileFile });
  const line =
    job.mode === 'events'
      ? await withPublishedEvents(child, job.broker, job.warmup + job.messages)
      : await lineStartingWith(child, 'RESULT ');
  return JSON.parse(line) as FlowResult;
}

async function runEventCell(job: EventJob): Promise<EventResult> {
  return JSON.parse(await withPublishedEvents(runNode('event-contender.js', job), job.broker, job.warmup + job.events)) as EventResult;
}

/** What the rounds of the Node-RED section measured, each figure with its round. */
interface FlowFigures {
  flows: Array<FlowResult & InRound>;
  events: Array<EventResult & InRound>;
  /** The library's lookup (ours), measured in the same round right before the Node-RED lookups it is set against. */
  library: Array<ContenderResult & InRound>;
}

/**
 * The Node-RED cells of one round: the floor, then per broker the library's lookup and Node-RED's
 * lookups at each in-flight level, the events and the library's event delivery. A Node-RED figure and
 * the library's it is set against are measured within the same minute, so that the machine's drift
 * between minutes does not enter "above the library".
 */
async function flowRound(brokers: BrokerTarget[], round: number, figures: FlowFigures): Promise<void> {
  const messagesAt = (inFlight: number): number => Math.round((inFlight === 1 ? 8000 : 20_000) * scale);
  const report = (result: FlowResult): void => {
    process.stdout.write(
      `Node-RED ${result.broker || '-'} ${result.mode} in-flight ${result.inFlight}: ${result.cpuMicrosPerMessage.toFixed(1)} µs CPU/msg, ${result.messagesPerSecond.toFixed(0)} msg/s\n`,
    );
    figures.flows.push({ ...result, round });
  };
  for (const inFlight of FLOW_IN_FLIGHT) {
    const messages = messagesAt(inFlight) * 2;
    report(await runFlowCell({ mode: 'floor', broker: brokers[0], inFlight, messages, warmup: warmupFor(messages) }));
  }
  // A control: Node-RED's floor when the process sleeps before each answer, at 1 in flight (a timer's millisecond each).
  const waking = messagesAt(1) / 4;
  report(await runFlowCell({ mode: 'floor-waking', broker: brokers[0], inFlight: 1, messages: waking, warmup: warmupFor(waking) }));
  for (const broker of brokers) {
    for (const inFlight of FLOW_IN_FLIGHT) {
      const messages = messagesAt(inFlight);
      const library = await runContender({ kind: 'ours', broker, inFlight, requests: messages, warmup: warmupFor(messages) });
      process.stdout.write(`library ${broker.name} in-flight ${inFlight}: ${library.cpuMicrosPerRequest.toFixed(1)} µs CPU/req\n`);
      figures.library.push({ ...library, round });
      report(await runFlowCell({ mode: 'lookup', broker, inFlight, messages, warmup: warmupFor(messages) }));
      report(await runFlowCell({ mode: 'lookup-in-function', broker, inFlight, messages, warmup: warmupFor(messages) }));
    }
    const many = Math.round(100_000 * scale);
    report(await runFlowCell({ mode: 'lookup-cached', broker, inFlight: 16, messages: many, warmup: warmupFor(many) }));
    report(await runFlowCell({ mode: 'events', broker, inFlight: 16, messages: many, warmup: warmupFor(many) }));
    const events = await runEventCell({ broker, events: many, warmup: warmupFor(many) });
    process.stdout.write(
      `library ${broker.name} events: ${events.cpuMicrosPerEvent.toFixed(1)} µs CPU/event, ${events.eventsPerSecond.toFixed(0)} events/s\n`,
    );
    figures.events.push({ ...events, round });
  }
}

async function main(): Promise<void> {
  if (jitLogDir) fs.mkdirSync(jitLogDir, { recursive: true });
  const binary = mosquittoBinary();
  if (!binary) throw new Error('mosquitto is not installed (apt-get install -y mosquitto)');
  const pki = testPki();
  const mosquitto = await startMosquitto(binary);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tie-bench-fabric-'));
  const fabric = await startFabric({ port: 0, dataDir, simulator: false });
  const brokers: BrokerTarget[] = [
    {
      name: 'mosquitto',
      host: mosquitto.host,
      port: mosquitto.port,
      ca: pki.files.caCert,
      cert: pki.files.clientCert,
      key: pki.files.clientKey,
    },
    {
      name: 'fabric',
      host: fabric.host,
      port: fabric.port,
      ca: fabric.files.caCert,
      cert: fabric.files.clientCert,
      key: fabric.files.clientKey,
    },
  ];
  const responders = brokers.map((broker) => runNode('responder.js', { ...broker, register: broker.name === 'fabric' }));
  try {
    await Promise.all(responders.map((responder) => lineStartingWith(responder, 'READY')));
    const results: ContenderResult[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const broker of brokers) {
        for (const inFlight of IN_FLIGHT) {
          const order = KINDS.map((_, i) => KINDS[(i + round + inFlight) % KINDS.length]);
          for (const kind of order) {
            const requests = requestsAt(inFlight);
            // With --cpu-prof, the library's contenders write a whole-process profile too (warm-up included).
            const profileFlags =
              cpuProfileDir && kind !== 'official'
                ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`, `--cpu-prof-name=library-${broker.name}-${kind}-${inFlight}.cpuprofile`]
                : [];
            const result = await runContender({ kind, broker, inFlight, requests, warmup: warmupFor(requests) }, profileFlags);
            process.stdout.write(
              `round ${round + 1} ${broker.name} in-flight ${inFlight} ${kind}: ${result.cpuMicrosPerRequest.toFixed(1)} µs CPU/req, ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99Ms.toFixed(2)} ms\n`,
            );
            results.push(result);
          }
        }
      }
    }
    const figures: FlowFigures = { flows: [], events: [], library: [] };
    if (!libraryOnly) for (let round = 0; round < rounds; round++) await flowRound(brokers, round, figures);
    let soak: ContenderResult | undefined;
    if (soakRequests > 0) {
      process.stdout.write(`memory run: ${soakRequests} requests through ours...\n`);
      soak = await runContender({ kind: 'ours', broker: brokers[0], inFlight: 256, requests: soakRequests, warmup: 20_000 }, [
        '--expose-gc',
      ]);
    }
    const mosquittoVersion = spawnSync(binary, ['-h'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() || 'mosquitto';
    const report = renderReport({
      command: `npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      rounds,
      cells: summarise(results),
      ...(soak ? { soak } : {}),
      mosquittoVersion,
      extraSections: libraryOnly ? [] : [renderFlowSection(figures.flows, figures.events, figures.library)],
    });
    fs.writeFileSync(outFile, report);
    process.stdout.write(`\n${report}\nwritten to ${outFile}\n`);
  } finally {
    for (const responder of responders) responder.kill('SIGTERM');
    await fabric.close();
    await mosquitto.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
