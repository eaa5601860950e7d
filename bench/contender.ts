import fs from 'node:fs';
import { MessageType, emptyMessage, parseJsonPayload } from '../src/dxl/message';
import { decodeMessage, encodeMessage } from '../src/dxl/envelope';
import { newDxlId } from '../src/dxl/ids';
import { hexToBase64 } from '../src/tie/hashes';
import { openConnection } from '../src/dxl/transport';
import { connectBare } from './bare-mqtt';
import { connectLibrary } from './library-client';
import { type ContenderJob, type ContenderKind, type ContenderResult, FILE_HASHES, REPUTATION_TOPIC } from './workload';

/*
 * One contender in its own process: connects, warms up, then runs `requests`
 * file-reputation lookups with `inFlight` outstanding at all times, and prints
 * one JSON line of figures. Client CPU is this process's user + system time.
 */

type Lookup = () => Promise<unknown>;

/** The file-reputation request body as TIE clients send it, for the contenders that build their own envelopes. */
const REQUEST_PAYLOAD = Buffer.from(
  JSON.stringify({ hashes: Object.entries(FILE_HASHES).map(([type, hex]) => ({ type, value: hexToBase64(hex) })) }),
);

interface Contender {
  lookup: Lookup;
  close(): Promise<void>;
}

const job = JSON.parse(process.argv[2]) as ContenderJob;
const pem = {
  ca: fs.readFileSync(job.broker.ca),
  cert: fs.readFileSync(job.broker.cert),
  key: fs.readFileSync(job.broker.key),
};

async function ours(): Promise<Contender> {
  const { dxl, tie } = await connectLibrary(job.broker);
  return { lookup: () => tie.getFileReputation(FILE_HASHES), close: () => dxl.close() };
}

/* The parts of the official OpenDXL JavaScript clients (CommonJS, without type declarations) this benchmark uses. */
interface OfficialDxlClient {
  connect(callback: () => void): void;
  destroy(callback: () => void): void;
}
interface OfficialDxlModule {
  Config: new (ca: Buffer, cert: Buffer, key: Buffer, brokers: unknown[]) => unknown;
  Broker: new (hosts: string[], id: string, port: number) => unknown;
  Client: new (config: unknown) => OfficialDxlClient;
}
interface OfficialTieClient {
  getFileReputation(callback: (error: Error | null, reputations: unknown) => void, hashes: Record<string, string>): void;
}
interface OfficialTieModule {
  TieClient: new (client: OfficialDxlClient) => OfficialTieClient;
}

async function official(): Promise<Contender> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS-only package without type declarations, loaded only when this contender runs
  const dxl = require('@opendxl/dxl-client') as OfficialDxlModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS-only package without type declarations, loaded only when this contender runs
  const { TieClient: OfficialTieClient } = require('@opendxl/dxl-tie-client') as OfficialTieModule;
  const config = new dxl.Config(pem.ca, pem.cert, pem.key, [new dxl.Broker([job.broker.host], 'bench', job.broker.port)]);
  const client = new dxl.Client(config);
  await new Promise<void>((resolve) => client.connect(resolve));
  const tie = new OfficialTieClient(client);
  return {
    lookup: () =>
      new Promise((resolve, reject) =>
        tie.getFileReputation((error: Error | null, reputations: unknown) => (error ? reject(error) : resolve(reputations)), FILE_HASHES),
      ),
    close: () => new Promise<void>((resolve) => client.destroy(() => resolve())),
  };
}

/** mqtt and the DXL codec with nothing else: the same wire work and the same decoding of the answer. */
async function bare(): Promise<Contender> {
  const clientId = newDxlId();
  const replyTopic = `/mcafee/client/${clientId}`;
  const pending = new Map<string, (value: unknown) => void>();
  const client = connectBare(job.broker, clientId);
  client.on('message', (topic, payload) => {
    const response = decodeMessage(payload, topic);
    const resolve = pending.get(response.requestMessageId);
    if (!resolve) return;
    pending.delete(response.requestMessageId);
    const body = parseJsonPayload(response.payload) as { reputations: Array<{ providerId: number }> };
    const byProvider: Record<number, unknown> = {};
    for (const reputation of body.reputations) byProvider[reputation.providerId] = reputation;
    resolve(byProvider);
  });
  await new Promise<void>((resolve) => client.on('connect', () => client.subscribe(replyTopic, { qos: 0 }, () => resolve())));
  return {
    lookup: () =>
      new Promise((resolve) => {
        const request = emptyMessage(MessageType.Request, REPUTATION_TOPIC);
        request.messageId = newDxlId();
        request.replyToTopic = replyTopic;
        request.payload = REQUEST_PAYLOAD;
        pending.set(request.messageId, resolve);
        client.publish(REPUTATION_TOPIC, encodeMessage(request), { qos: 0 });
      }),
    close: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
  };
}

/**
 * The round trip alone: one request encoded once and sent again and again over our MQTT session
 * (mqtt.js on our stream), each answer taken as it comes, nothing decoded. What every client pays
 * per exchange on this machine (TLS records, system calls, wake-ups) before doing any DXL or TIE work.
 */
async function floor(): Promise<Contender> {
  const clientId = newDxlId();
  const session = await openConnection(
    { host: job.broker.host, port: job.broker.port },
    { clientId, ...pem, protocolVersion: 4, webSockets: false, checkHostName: false, keepaliveSec: 60, connectTimeoutMs: 10_000 },
  ).accepted;
  const replyTopic = `/mcafee/client/${clientId}`;
  const request = emptyMessage(MessageType.Request, REPUTATION_TOPIC);
  request.messageId = newDxlId();
  request.replyToTopic = replyTopic;
  request.payload = REQUEST_PAYLOAD;
  const bytes = encodeMessage(request);
  const waiting: Array<(value: unknown) => void> = [];
  session.listen({ message: () => waiting.shift()?.(undefined), error: () => undefined, close: () => undefined });
  await session.subscribe([replyTopic]);
  return {
    lookup: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        session.publish(REPUTATION_TOPIC, bytes);
      }),
    close: () => session.end(false),
  };
}

async function runAtInFlight(lookup: Lookup, count: number, inFlight: number, latencies?: Float64Array): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const started = process.hrtime.bigint();
      await lookup();
      if (latencies) latencies[index] = Number(process.hrtime.bigint() - started) / 1e6;
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
}

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    process.stderr.write(`${job.kind}: no progress, giving up\n`);
    process.exit(2);
  }, 600_000);
  watchdog.unref();
  const contenders: Record<ContenderKind, () => Promise<Contender>> = { floor, bare, ours, official };
  const contender = await contenders[job.kind]();
  await runAtInFlight(contender.lookup, job.warmup, job.inFlight);
  global.gc?.();
  const rssAfterWarmup = process.memoryUsage().rss;
  const latencies = new Float64Array(job.requests);
  process.stdout.write('MEASURE-START\n');
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await runAtInFlight(contender.lookup, job.requests, job.inFlight, latencies);
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  process.stdout.write('MEASURE-END\n');
  global.gc?.();
  const rssGrowthMb = (process.memoryUsage().rss - rssAfterWarmup) / 2 ** 20;
  latencies.sort();
  const result: ContenderResult = {
    kind: job.kind,
    broker: job.broker.name,
    inFlight: job.inFlight,
    requests: job.requests,
    cpuMicrosPerRequest: (cpu.user + cpu.system) / job.requests,
    systemMicrosPerRequest: cpu.system / job.requests,
    requestsPerSecond: job.requests / (elapsedMs / 1000),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    rssGrowthMb,
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  await contender.close();
  process.exit(0);
}

main().catch((error: Error) => {
  process.stderr.write(`${job.kind}: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
