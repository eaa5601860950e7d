import os from 'node:os';
import type { ContenderKind, ContenderResult, EventResult, FlowResult, InRound } from './workload';

export interface Cell {
  broker: string;
  inFlight: number;
  /** Median of each figure over the rounds, per contender. */
  medians: Partial<Record<ContenderKind, ContenderResult>>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Groups the rounds' results by broker, in-flight level and contender, keeping each figure's median. */
export function summarise(results: ContenderResult[]): Cell[] {
  const cells = new Map<string, Cell>();
  const groups = new Map<string, ContenderResult[]>();
  for (const result of results) {
    const cellKey = `${result.broker}/${result.inFlight}`;
    if (!cells.has(cellKey)) cells.set(cellKey, { broker: result.broker, inFlight: result.inFlight, medians: {} });
    const groupKey = `${cellKey}/${result.kind}`;
    groups.set(groupKey, [...(groups.get(groupKey) ?? []), result]);
  }
  for (const [groupKey, group] of groups) {
    const cell = cells.get(groupKey.split('/').slice(0, 2).join('/'))!;
    const first = group[0];
    cell.medians[first.kind] = {
      ...first,
      cpuMicrosPerRequest: median(group.map((r) => r.cpuMicrosPerRequest)),
      systemMicrosPerRequest: median(group.map((r) => r.systemMicrosPerRequest)),
      requestsPerSecond: median(group.map((r) => r.requestsPerSecond)),
      p50Ms: median(group.map((r) => r.p50Ms)),
      p99Ms: median(group.map((r) => r.p99Ms)),
      peakRssMb: median(group.map((r) => r.peakRssMb)),
      rssGrowthMb: median(group.map((r) => r.rssGrowthMb)),
    };
  }
  return [...cells.values()];
}

const fixed = (value: number, digits = 1): string => value.toFixed(digits);
const ratio = (a: number | undefined, b: number | undefined): string => (a !== undefined && b ? `${(a / b).toFixed(2)}x` : 'n/a');
const mark = (ok: boolean): string => (ok ? 'met' : '**missed**');
/** The in-flight levels the CPU targets apply to; at 1 in flight the exchange itself dominates. */
const CPU_TARGET_IN_FLIGHT = [16, 256];
/** CPU per request of ours at most these times bare's (mqtt.js and the codec alone) and the official client's. */
const CPU_TARGETS = { toBare: 1.15, toOfficial: 0.65 };

/** (ours − floor) / (official − floor): the share of the official client's own work that ours does. */
function aboveFloorRatio(ours?: ContenderResult, official?: ContenderResult, floor?: ContenderResult): string {
  if (!ours || !official || !floor) return 'n/a';
  const theirs = official.cpuMicrosPerRequest - floor.cpuMicrosPerRequest;
  return theirs > 0 ? `${((ours.cpuMicrosPerRequest - floor.cpuMicrosPerRequest) / theirs).toFixed(2)}x` : 'n/a';
}

export interface ReportInput {
  command: string;
  rounds: number;
  cells: Cell[];
  soak?: ContenderResult;
  mosquittoVersion: string;
  extraSections: string[];
}

export function renderReport(input: ReportInput): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines: string[] = [
    '# Benchmarks',
    '',
    `Command: \`${input.command}\`, ${input.rounds} interleaved round(s); every figure is the median over the rounds.`,
    'Every cell first runs as many requests or messages as it measures, unmeasured: the figures are the steady state.',
    '',
    `Machine: ${os.cpus().length} x ${cpu}, ${fixed(os.totalmem() / 2 ** 30, 0)} GiB, ${os.platform()} ${os.release()}, Node.js ${process.version}, ${input.mosquittoVersion}.`,
    '',
    'Each contender runs in its own process against the same responder (bare mqtt with the DXL codec) on the same broker, asking',
    'the TIE file reputation of one file (md5, sha1, sha256) and decoding the answer into reputations keyed by provider:',
    '',
    '- **floor**: the round trip alone: one request encoded once and sent again and again over the MQTT session ours',
    '  runs on (mqtt.js on our stream), the answers counted, nothing decoded: what any client pays per exchange (TLS',
    '  records, system calls, wake-ups);',
    '- **bare**: mqtt.js and the DXL codec, nothing else: the limit of the library ours runs on;',
    '- **ours**: `TieClient.getFileReputation` on `DxlClient`;',
    '- **official**: `@opendxl/dxl-tie-client` `getFileReputation` on `@opendxl/dxl-client`.',
    '',
    'CPU is the client process\'s user + system time per request, of which "sys" is the kernel\'s (socket I/O and TLS',
    'records); latency is per request at that in-flight level.',
    '',
    '| broker | in flight | contender | CPU µs/req | sys µs/req | req/s | p50 ms | p99 ms | peak RSS MB | CPU ours/official | CPU ours/bare | CPU above floor ours/official | req/s ours/official | req/s ours/bare |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const verdicts: string[] = [];
  for (const cell of input.cells) {
    const { floor, bare, ours, official } = cell.medians;
    for (const kind of ['floor', 'bare', 'ours', 'official'] as const) {
      const r = cell.medians[kind];
      if (!r) continue;
      const ratios =
        kind === 'ours'
          ? [
              ratio(ours?.cpuMicrosPerRequest, official?.cpuMicrosPerRequest),
              ratio(ours?.cpuMicrosPerRequest, bare?.cpuMicrosPerRequest),
              aboveFloorRatio(ours, official, floor),
              ratio(ours?.requestsPerSecond, official?.requestsPerSecond),
              ratio(ours?.requestsPerSecond, bare?.requestsPerSecond),
            ]
          : ['', '', '', '', ''];
      lines.push(
        `| ${cell.broker} | ${cell.inFlight} | ${kind} | ${fixed(r.cpuMicrosPerRequest)} | ${fixed(r.systemMicrosPerRequest)} | ${fixed(r.requestsPerSecond, 0)} | ${fixed(r.p50Ms, 2)} | ${fixed(r.p99Ms, 2)} | ${fixed(r.peakRssMb)} | ${ratios.join(' | ')} |`,
      );
    }
    if (ours && official && bare) {
      const where = `${cell.broker}, in flight ${cell.inFlight}`;
      const cpuTarget = CPU_TARGET_IN_FLIGHT.includes(cell.inFlight)
        ? `${fixed(ours.cpuMicrosPerRequest / bare.cpuMicrosPerRequest, 2)}x bare (≤ ${CPU_TARGETS.toBare}x): ${mark(ours.cpuMicrosPerRequest <= CPU_TARGETS.toBare * bare.cpuMicrosPerRequest)}, ` +
          `${fixed(ours.cpuMicrosPerRequest / official.cpuMicrosPerRequest, 2)}x official (≤ ${CPU_TARGETS.toOfficial}x): ${mark(ours.cpuMicrosPerRequest <= CPU_TARGETS.toOfficial * official.cpuMicrosPerRequest)}`
        : `${fixed(ours.cpuMicrosPerRequest / bare.cpuMicrosPerRequest, 2)}x bare, ${fixed(ours.cpuMicrosPerRequest / official.cpuMicrosPerRequest, 2)}x official (no target)`;
      verdicts.push(
        `| ${where} | ${cpuTarget} | ` +
          `${fixed(ours.requestsPerSecond / official.requestsPerSecond, 2)}x official (≥ 1x): ${mark(ours.requestsPerSecond >= official.requestsPerSecond)} | ` +
          `${fixed(ours.p99Ms, 2)} vs ${fixed(official.p99Ms, 2)} ms: ${mark(ours.p99Ms <= official.p99Ms)} |`,
      );
    }
  }
  lines.push('', '## Targets', '', '| cell | CPU per request | throughput | p99 |', '| --- | --- | --- | --- |', ...verdicts);
  const cpuNotes = input.cells.flatMap((cell) => {
    const { floor, bare, ours, official } = cell.medians;
    if (!floor || !bare || !ours || !official || !CPU_TARGET_IN_FLIGHT.includes(cell.inFlight)) return [];
    const bareLimit = CPU_TARGETS.toBare * bare.cpuMicrosPerRequest;
    const officialLimit = CPU_TARGETS.toOfficial * official.cpuMicrosPerRequest;
    if (ours.cpuMicrosPerRequest <= bareLimit && ours.cpuMicrosPerRequest <= officialLimit) return [];
    const overBare = ours.cpuMicrosPerRequest - bareLimit;
    return [
      `- ${cell.broker}, in flight ${cell.inFlight}: ours ${fixed(ours.cpuMicrosPerRequest)} µs, bare ${fixed(bare.cpuMicrosPerRequest)} µs ` +
        `(${overBare > 0 ? `${fixed(overBare)} µs over ${CPU_TARGETS.toBare}x bare` : `within ${CPU_TARGETS.toBare}x bare`}), official ${fixed(official.cpuMicrosPerRequest)} µs ` +
        `(${CPU_TARGETS.toOfficial}x is ${fixed(officialLimit)} µs); the round trip alone (floor) ${fixed(floor.cpuMicrosPerRequest)} µs.`,
    ];
  });
  if (cpuNotes.length > 0) lines.push('', 'Where CPU per request misses a target:', '', ...cpuNotes);
  if (input.soak) {
    lines.push(
      '',
      '## Memory over a long run',
      '',
      `${input.soak.requests.toLocaleString('en-US')} requests through ours (${input.soak.broker}, in flight ${input.soak.inFlight}): RSS grew ${fixed(input.soak.rssGrowthMb)} MB after warm-up (target < 30 MB: ${mark(input.soak.rssGrowthMb < 30)}), peak RSS ${fixed(input.soak.peakRssMb)} MB, ${fixed(input.soak.cpuMicrosPerRequest)} µs CPU per request.`,
    );
  }
  lines.push(...input.extraSections, '');
  return lines.join('\n');
}

/** Each figure of the Node-RED cells, the median over the rounds, per broker, mode and in-flight level. */
function flowMedians(results: FlowResult[]): FlowResult[] {
  const groups = new Map<string, FlowResult[]>();
  for (const result of results) {
    const key = `${result.broker}/${result.mode}/${result.inFlight}`;
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  return [...groups.values()].map((group) => ({
    ...group[0],
    cpuMicrosPerMessage: median(group.map((r) => r.cpuMicrosPerMessage)),
    systemMicrosPerMessage: median(group.map((r) => r.systemMicrosPerMessage)),
    messagesPerSecond: median(group.map((r) => r.messagesPerSecond)),
  }));
}

/** µs per message and event at most above the library and Node-RED's floor, and a cached lookup's CPU at most this times the floor's. */
export const FLOW_TARGETS = { aboveLibraryMicros: 15, cachedToFloor: 1.5 } as const;

/** One Node-RED figure set against the library's of the same round: the median over the rounds of each, and of their difference. */
interface Paired {
  library: number | undefined;
  librarySys: number | undefined;
  above: number | undefined;
}

/**
 * Node-RED end to end. "Above the library": the Node-RED process's CPU per message, minus Node-RED's
 * floor at the same in-flight level, minus the library's CPU per request (ours, same broker, same
 * in-flight level) or per event (its event delivery on the same broker), each of the same round; the
 * median of that over the rounds.
 */
export function renderFlowSection(
  results: Array<FlowResult & InRound>,
  events: Array<EventResult & InRound>,
  library: Array<ContenderResult & InRound>,
): string {
  const lines = [
    '',
    '## Node-RED end to end',
    '',
    'A running Node-RED runtime (embedded, no editor) with this package, one process per cell: messages into',
    '`tie-get-reputation` kept 1 or 16 in flight (cache off; then on, where every lookup after the first is a hit),',
    'and reputation-change events published by another process into `tie-reputation-change`. **floor** is Node-RED',
    "itself: the same driver with a function node answering in the lookup's place; **lookup-in-function** is the",
    "library's lookup (`getFileReputationWithVerdict`) called from a function node, no node of ours: what a lookup",
    'costs in Node-RED with no node layer at all; **floor-waking** is the floor answered a timer later (at least a',
    'millisecond), so that the process sleeps before each answer and wakes for it, as for an answer from a broker.',
    "CPU is the Node-RED process's.",
    '**above the library** is that CPU per message minus the floor at the same in-flight level (16 for events) minus',
    "the library's own CPU measured in the same round, right before: ours per request at the same in-flight level on",
    "the same broker, or TieClient's event delivery per event on the same broker (`bench/event-contender.ts`); the",
    'median over the rounds of that difference. **library µs** is the median of those library runs.',
    '',
    '| broker | flow | in flight | CPU µs/msg | sys µs/msg | msg/s | CPU ÷ floor | library µs (sys) | above the library | target |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  const floorOf = (round: number, inFlight: number): number | undefined =>
    results.find((r) => r.mode === 'floor' && r.round === round && r.inFlight === inFlight)?.cpuMicrosPerMessage;
  const libraryOf = (result: FlowResult & InRound): { cpu: number; sys: number } | undefined => {
    if (result.mode === 'events') {
      const found = events.find((e) => e.broker === result.broker && e.round === result.round);
      return found && { cpu: found.cpuMicrosPerEvent, sys: found.systemMicrosPerEvent };
    }
    if (result.mode !== 'lookup' && result.mode !== 'lookup-in-function') return undefined;
    const found = library.find((l) => l.broker === result.broker && l.inFlight === result.inFlight && l.round === result.round);
    return found && { cpu: found.cpuMicrosPerRequest, sys: found.systemMicrosPerRequest };
  };
  const paired = (group: Array<FlowResult & InRound>): Paired => {
    const libraries: Array<{ cpu: number; sys: number }> = [];
    const differences: number[] = [];
    for (const result of group) {
      const own = libraryOf(result);
      if (own === undefined) continue;
      libraries.push(own);
      const floor = floorOf(result.round, result.mode === 'events' ? 16 : result.inFlight);
      if (floor !== undefined) differences.push(result.cpuMicrosPerMessage - floor - own.cpu);
    }
    return {
      library: libraries.length > 0 ? median(libraries.map((l) => l.cpu)) : undefined,
      librarySys: libraries.length > 0 ? median(libraries.map((l) => l.sys)) : undefined,
      above: differences.length > 0 ? median(differences) : undefined,
    };
  };
  const medians = flowMedians(results);
  const floorAt = (inFlight: number): number | undefined =>
    medians.find((r) => r.mode === 'floor' && r.inFlight === inFlight)?.cpuMicrosPerMessage;
  for (const result of medians) {
    const group = results.filter((r) => r.broker === result.broker && r.mode === result.mode && r.inFlight === result.inFlight);
    const { library: libraryCpu, librarySys, above } = paired(group);
    const floor = floorAt(result.mode === 'events' ? 16 : result.inFlight);
    const toFloor = floor !== undefined && result.mode !== 'floor' ? result.cpuMicrosPerMessage / floor : undefined;
    let target = '';
    if (above !== undefined && result.mode !== 'lookup-in-function') {
      target = `≤ ${FLOW_TARGETS.aboveLibraryMicros} µs above: ${mark(above <= FLOW_TARGETS.aboveLibraryMicros)}`;
    } else if (result.mode === 'lookup-cached' && toFloor !== undefined) {
      target = `≤ ${FLOW_TARGETS.cachedToFloor}x floor: ${mark(toFloor <= FLOW_TARGETS.cachedToFloor)}`;
    }
    const libraryText = libraryCpu === undefined ? '' : `${fixed(libraryCpu)}${librarySys === undefined ? '' : ` (${fixed(librarySys)})`}`;
    lines.push(
      `| ${result.broker || '-'} | ${result.mode} | ${result.inFlight} | ${fixed(result.cpuMicrosPerMessage)} | ${fixed(result.systemMicrosPerMessage)} | ` +
        `${fixed(result.messagesPerSecond, 0)} | ${toFloor === undefined ? '' : `${fixed(toFloor, 2)}x`} | ${libraryText} | ` +
        `${above === undefined ? '' : `${fixed(above)} µs`} | ${target} |`,
    );
  }
  return lines.join('\n');
}
