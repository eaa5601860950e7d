import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFabric } from '../src/fabric';
import { mosquittoBinary, startMosquitto } from '../test-kit/mosquitto';
import { testPki } from '../test-kit/pki-fixture';
import { renderFlowSection, renderReport, summarise } from './report';
import type { BrokerTarget, ContenderJob, ContenderKind, ContenderResult, FlowJob, FlowResult } from './workload';

/*
 * `npm run bench`: every contender on every broker at in-flight 1, 16 and 256,
 * rounds interleaved so that drift of the machine hits all contenders alike.
 * Writes BENCHMARKS.md; fails only on errors, never on a slow figure.
 * Options: --rounds N (default 3), --quick (1 round, fewer requests), --soak N
 * (requests of the memory run, default 1000000; 0 skips it), --out FILE.
 */

const IN_FLIGHT = [1, 16, 256];
const KINDS: ContenderKind[] = ['floor', 'bare', 'ours', 'official'];

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1] : fallback;
}

const quick = process.argv.includes('--quick');
const rounds = Number(option('rounds', quick ? '1' : '3'));
const soakRequests = Number(option('soak', quick ? '0' : '1000000'));
const outFile = path.resolve(option('out', path.join(__dirname, '..', '..', 'BENCHMARKS.md')));
const scale = quick ? 0.25 : 1;
const requestsAt = (inFlight: number): number => Math.round((inFlight === 1 ? 8000 : 30_000) * scale);

function runNode(script: string, arg: unknown, nodeFlags: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, path.join(__dirname, script), JSON.stringify(arg)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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
  const line = await lineStartingWith(runNode('contender.js', job, nodeFlags), 'RESULT ');
  return JSON.parse(line) as ContenderResult;
}

async function runFlowCell(job: FlowJob): Promise<FlowResult> {
  const child = runNode('flow-contender.js', job);
  const result = lineStartingWith(child, 'RESULT ');
  if (job.mode === 'events') {
    await lineStartingWith(child, 'READY');
    const publisher = runNode('event-publisher.js', { broker: job.broker, count: job.messages });
    await new Promise((resolve) => publisher.once('exit', resolve));
  }
  return JSON.parse(await result) as FlowResult;
}

async function main(): Promise<void> {
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
            const result = await runContender({ kind, broker, inFlight, requests, warmup: Math.round(requests / 5) });
            process.stdout.write(
              `round ${round + 1} ${broker.name} in-flight ${inFlight} ${kind}: ${result.cpuMicrosPerRequest.toFixed(1)} µs CPU/req, ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99Ms.toFixed(2)} ms\n`,
            );
            results.push(result);
          }
        }
      }
    }
    const flowResults: FlowResult[] = [];
    for (const broker of brokers) {
      for (const mode of ['lookup', 'lookup-cached', 'events'] as const) {
        const messages = Math.round((mode === 'lookup' ? 20_000 : 100_000) * scale);
        const result = await runFlowCell({ mode, broker, inFlight: 16, messages, warmup: Math.round(messages / 10) });
        process.stdout.write(
          `Node-RED ${broker.name} ${mode}: ${result.cpuMicrosPerMessage.toFixed(1)} µs CPU/msg, ${result.messagesPerSecond.toFixed(0)} msg/s\n`,
        );
        flowResults.push(result);
      }
    }
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
      extraSections: [renderFlowSection(flowResults, summarise(results))],
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
