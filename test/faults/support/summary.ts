/**
 * The headline figures of a fault run, added up from the sections of figures.json: what
 * RELIABILITY.md and the README quote. Written to test-output/faults/summary.md after every section.
 */
import type { FigureValue, Figures } from './figures';

type Sections = Record<string, Figures>;

function num(value: FigureValue | undefined): number {
  return typeof value === 'number' ? value : Array.isArray(value) ? value.length : 0;
}

/** A figure as text: '?' when it is missing. */
function text(value: FigureValue | undefined): string {
  if (value === undefined || value === null) return '?';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function sum(sections: Sections, prefix: string, key: string): number {
  return Object.entries(sections)
    .filter(([name]) => name.startsWith(prefix))
    .reduce((total, [, figures]) => total + num(figures[key]), 0);
}

export function summarize(sections: Sections): Array<[string, string]> {
  const fmt = (n: number): string => n.toLocaleString('en-US');
  const brokerKills =
    sum(sections, 'broker-loss-', 'kills') +
    sum(sections, 'failover-', 'failoverMs') +
    2 * Object.keys(sections).filter((name) => name.startsWith('failover-')).length;
  const tlsSetups = Object.entries(sections)
    .filter(([name]) => name.startsWith('tls-'))
    .reduce(
      (total, [, figures]) =>
        total + Object.values(figures).filter((value) => typeof value === 'object' && value !== null && !Array.isArray(value)).length,
      0,
    );
  const wire = sections['malformed-traffic'] ?? {};
  const wireFaults =
    num(wire.malformedEventsSent) + num(wire.nonDxlPayloadsSent) + num(wire.garbageResponses) + num(wire.mutatedEnvelopesBlasted);
  const fuzz = sections.fuzz ?? {};
  const fuzzCases = num(fuzz.wireCases) + num(fuzz.eventCases) + num(fuzz.responseCases);
  const fuzzRuns = num(fuzz.wireCases) + num(fuzz.eventDecoderRuns) + num(fuzz.responseOperationRuns);
  const messages = sum(sections, 'broker-loss-', 'messagesSent') + sum(sections, 'failover-', 'messagesSent');
  const lost = sum(sections, 'broker-loss-', 'leftHanging') + sum(sections, 'failover-', 'leftHanging');
  const twice = sum(sections, 'broker-loss-', 'endedTwice') + sum(sections, 'failover-', 'endedTwice');
  const disconnected = sum(sections, 'broker-loss-', 'failedDisconnected') + sum(sections, 'failover-', 'failedDisconnected');
  const soak = sections.soak ?? sections['soak-ci'] ?? {};
  const redeploys = sections.redeploys ?? {};
  const rows: Array<[string, string]> = [
    ['brokers killed (SIGKILL) under load', `${fmt(brokerKills)} (Mosquitto and fabric)`],
    ['TLS setups that must fail', fmt(tlsSetups)],
    ['malformed messages over the wire', fmt(wireFaults)],
    ['fuzz cases (seed ' + text(fuzz.seed) + ')', `${fmt(fuzzCases)} (${fmt(fuzzRuns)} decoder and operation runs)`],
    ['bad inputs tried', fmt(num(sections['bad-input']?.inputsTried))],
    ['deploys', fmt(num(redeploys.deploys))],
    [
      'messages checked for exactly one done()',
      `${fmt(messages)}: ${fmt(lost)} left hanging, ${fmt(twice)} ended twice, ${fmt(disconnected)} DXL_DISCONNECTED`,
    ],
    [
      'soak',
      `${fmt(num(soak.requests))} requests in ${fmt(num(soak.seconds))} s, heap ${text(soak.heapAfterWarmUpMb)} → ${text(soak.heapAtEndMb)} MB, peak RSS ${text(soak.peakRssMb)} MB`,
    ],
    ['secret leaks', `${fmt(num(sections.secrets?.leaks))} in ${fmt(num(sections.secrets?.charactersSearched))} characters of output`],
  ];
  return rows;
}

export function summaryMarkdown(sections: Sections): string {
  const rows = summarize(sections);
  return ['| figure | value |', '| --- | --- |', ...rows.map(([name, value]) => `| ${name} | ${value} |`), ''].join('\n');
}
