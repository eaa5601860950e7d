/**
 * Soak: a million TIE requests through a flow (a get-reputation node fed batches, answered by the
 * TIE simulator of a fabric in its own process), measuring this process's memory after a full GC
 * at intervals. Memory must stay bounded: the heap at the end within a few MB of the heap after
 * warm-up, with no steady growth across the run.
 *
 * FAULTS_SOAK_REQUESTS sets the count (CI runs the default below; see RELIABILITY.md for the full
 * run's figures). Run with --expose-gc (npm run test:faults does).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { helper, node, onTab, ourNode, catchAndComplete } from '../support/node-red-helper';
import { eventually } from '../support/eventually';
import { type Figures, recordFigures } from './support/figures';
import { type FabricProcess, startFabricProcess } from './support/fabric-process';
import { lookupNode } from '../support/node-red-request-flow';

const DEFAULT_REQUESTS = 1_000_000;
const BATCH = 1000;
const MESSAGES_IN_FLIGHT = 4;
const CONCURRENCY = 64;
const SAMPLES = 20;
/** Heap growth allowed between the sample after warm-up and the last one. */
const HEAP_GROWTH_BOUND_MB = 16;

function requestedCount(): number {
  const fromEnv = process.env.FAULTS_SOAK_REQUESTS;
  const count = fromEnv !== undefined && /^\d+$/.test(fromEnv) ? Number(fromEnv) : DEFAULT_REQUESTS;
  return Math.max(BATCH * SAMPLES, Math.ceil(count / BATCH) * BATCH);
}

interface Sample {
  requests: number;
  heapUsedMb: number;
  rssMb: number;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc (npm run test:faults does)');
  gc();
  gc();
}

function sample(requests: number): Sample {
  collectGarbage();
  const usage = process.memoryUsage();
  const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
  return { requests, heapUsedMb: mb(usage.heapUsed), rssMb: mb(usage.rss) };
}

/** Least-squares slope of heap (MB) against requests, per million requests. */
function slopePerMillion(samples: readonly Sample[]): number {
  const n = samples.length;
  const meanX = samples.reduce((t, s) => t + s.requests, 0) / n;
  const meanY = samples.reduce((t, s) => t + s.heapUsedMb, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.requests - meanX) * (s.heapUsedMb - meanY);
    den += (s.requests - meanX) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 1e6;
}

describe('faults: soak', function () {
  this.timeout(30 * 60_000);
  const modules = ['tie-config', 'tie-get-reputation'].map(ourNode);
  let fabric: FabricProcess;

  before(async () => {
    fabric = await startFabricProcess({ simulator: true });
    await helper.startServer();
  });
  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await fabric.kill();
  });

  const total = requestedCount();
  it(`answers ${total.toLocaleString('en-US')} requests through a flow with bounded memory`, async () => {
    await helper.load(
      modules,
      [
        ...catchAndComplete(['get']),
        {
          id: 'config',
          type: 'tie-config',
          brokers: [{ host: fabric.host, port: fabric.port }],
          transport: 'mqtt',
          tlsSource: 'credentials',
          requestTimeout: 30,
        },
        ...onTab([lookupNode({ concurrency: CONCURRENCY }), { id: 'out', type: 'helper' }]),
      ],
      { config: { caPem: fabric.pem.ca, certPem: fabric.pem.cert, keyPem: fabric.pem.key } },
    );
    // A pool of distinct files, looked up over and over: answers of realistic size, a bounded simulator.
    const pool = Array.from({ length: BATCH }, (_, i) => createHash('sha256').update(`soak file ${i}`).digest('hex'));
    const sandbox = (helper as unknown as { _sandbox: { resetHistory(): void } })._sandbox;

    const messages = total / BATCH;
    let sent = 0;
    let answered = 0;
    let answeredItems = 0;
    let failed = 0;
    const failures: string[] = [];
    const samples: Sample[] = [];
    const sampleEvery = Math.max(1, Math.floor(messages / SAMPLES));
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const sendNext = (): void => {
      if (sent >= messages) return;
      node('get').receive({ payload: pool, seq: sent++ });
    };
    const settled = (): void => {
      if ((answered + failed) % sampleEvery === 0) {
        // The test helper's sinon spies record every send() and status(): reset them so that the
        // memory measured is the runtime's, not the test instrument's.
        sandbox.resetHistory();
        samples.push(sample(answeredItems));
      }
      if (answered + failed === messages) resolveDone();
      else sendNext();
    };
    node('out').on('input', (msg) => {
      const payload = msg.payload as unknown[];
      answered++;
      answeredItems += payload.length;
      if (payload.length !== BATCH || (payload[answered % BATCH] as Record<string, unknown> | null)?.['1'] === undefined)
        failures.push(`msg ${String(msg.seq)}: unexpected payload`);
      settled();
    });
    node('caught').on('input', (msg) => {
      failed++;
      if (failures.length < 5) failures.push(`msg ${String(msg.seq)}: ${JSON.stringify(msg.error)}`);
      settled();
    });
    await eventually(
      () => (node('config') as unknown as { connection: { state: { status: string } } }).connection.state.status === 'connected',
      'connected',
      10_000,
    );

    samples.push(sample(0));
    const started = Date.now();
    const cpuStarted = process.cpuUsage();
    for (let i = 0; i < MESSAGES_IN_FLIGHT; i++) sendNext();
    await done;
    const seconds = (Date.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);
    sandbox.resetHistory();
    const last = sample(answeredItems);

    assert.deepEqual(failures, [], 'every batch answered in full');
    assert.equal(failed, 0);
    assert.equal(answeredItems, total);
    const warm = samples[Math.min(2, samples.length - 1)];
    const secondHalf = samples.slice(Math.floor(samples.length / 2));
    const growth = last.heapUsedMb - warm.heapUsedMb;
    const slope = slopePerMillion(secondHalf);
    assert.ok(
      growth < HEAP_GROWTH_BOUND_MB,
      `heap grew ${growth.toFixed(1)} MB after warm-up (bound ${HEAP_GROWTH_BOUND_MB} MB): ${JSON.stringify(samples)}`,
    );
    assert.ok(slope < HEAP_GROWTH_BOUND_MB, `heap keeps growing: ${slope.toFixed(1)} MB per million requests over the second half`);

    recordFigures(total >= DEFAULT_REQUESTS ? 'soak' : 'soak-ci', {
      requests: answeredItems,
      messages,
      batch: BATCH,
      messagesInFlight: MESSAGES_IN_FLIGHT,
      concurrencyPerMessage: CONCURRENCY,
      failed,
      seconds: Math.round(seconds),
      requestsPerSecond: Math.round(answeredItems / seconds),
      cpuSecondsThisProcess: Math.round((cpu.user + cpu.system) / 1e5) / 10,
      heapAfterWarmUpMb: warm.heapUsedMb,
      heapAtEndMb: last.heapUsedMb,
      heapGrowthMb: Math.round(growth * 10) / 10,
      heapSlopeMbPerMillion: Math.round(slope * 10) / 10,
      peakRssMb: Math.max(...samples.map((s) => s.rssMb), last.rssMb),
      rssAtEndMb: last.rssMb,
      samples: samples.map((s) => [s.requests, s.heapUsedMb, s.rssMb]),
    } satisfies Figures);
  });
});
