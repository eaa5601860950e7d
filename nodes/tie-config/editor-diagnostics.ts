/**
 * tie-config's Diagnostics tab: the deployed connection's diagnostics, asked of the runtime every
 * 2 seconds while the dialog is open (nodes/tie-config/config-diagnostics.ts serves them), and "Test
 * connection" on the dialog's current settings, its report worded here in the editor's language.
 */
import type { ClientDiagnostics } from '../../src/dxl/diagnostics';
import type { ConnectionTestReport } from './connection-test';
import type { TieConfigDiagnostics } from '../kit/diagnostics';
import type { ConfigForm } from './editor-actions';
import type { AjaxFailure, EditorNode, JQ } from '../editor/red';

const REFRESH_MS = 2000;
const KEY = 'tie-config.diagnostics';

type Tone = 'ok' | 'warn' | 'bad' | undefined;

function line($: ConfigForm['$'], text: string, tone?: Tone): JQ {
  const item = $('<li>').text(text);
  if (tone !== undefined) item.addClass(`tie-config-${tone}`);
  return item;
}

function time(ms: number): string {
  return new Date(ms).toLocaleTimeString();
}

function counts(list: Record<string, number>, none: string): string {
  const entries = Object.entries(list);
  return entries.length === 0 ? none : entries.map(([name, count]) => `${name} ${count}`).join(', ');
}

function dxlLines(form: ConfigForm, dxl: ClientDiagnostics): JQ[] {
  const { $, _ } = form;
  const lines: JQ[] = [];
  for (const broker of dxl.brokers) {
    const tone: Tone = broker.status === 'connected' ? 'ok' : broker.status === 'failed' ? 'bad' : 'warn';
    const status = _(`${KEY}.status.${broker.status}`);
    lines.push(
      line($, _(`${KEY}.broker`, { broker: broker.broker, status, since: time(broker.since), connections: broker.connections }), tone),
    );
    if (broker.lastFailure) {
      lines.push(line($, `  ${_(`${KEY}.brokerFailure`, { at: time(broker.lastFailure.at), reason: broker.lastFailure.reason })}`));
    }
  }
  lines.push(line($, _(`${KEY}.reconnects`, { count: dxl.reconnects })));
  if (dxl.roundTrip) lines.push(line($, _(`${KEY}.roundTrip`, { ms: dxl.roundTrip.ms })));
  const r = dxl.requests;
  lines.push(line($, _(`${KEY}.requests`, { inFlight: r.inFlight, waiting: r.waiting, answered: r.answered, timedOut: r.timedOut })));
  const none = _(`${KEY}.none`);
  lines.push(line($, _(`${KEY}.failed`, { list: counts(r.failed, none) })));
  lines.push(line($, _(`${KEY}.received`, { list: counts(dxl.received, none) })));
  lines.push(line($, _(`${KEY}.refused`, { malformed: dxl.refused.malformed, oversized: dxl.refused.oversized })));
  return lines;
}

/** The diagnostics as lines of the tab. */
export function diagnosticsLines(form: ConfigForm, diagnostics: TieConfigDiagnostics): JQ[] {
  const { $, _ } = form;
  const state = diagnostics.state;
  const since = diagnostics.dxl?.stateSince ?? diagnostics.at;
  const tone: Tone = state.status === 'connected' ? 'ok' : state.cause !== undefined ? 'bad' : 'warn';
  const lines = [line($, _(`${KEY}.state`, { status: _(`${KEY}.status.${state.status}`), since: time(since) }), tone)];
  if (state.status !== 'connected' && state.reason) lines.push(line($, `  ${state.reason}`, tone));
  lines.push(line($, _(`${KEY}.users`, { count: diagnostics.users })));
  if (diagnostics.dxl === undefined) lines.push(line($, _(`${KEY}.closedNoClient`)));
  else lines.push(...dxlLines(form, diagnostics.dxl));
  if (diagnostics.cache) lines.push(line($, _(`${KEY}.cache`, diagnostics.cache)));
  if (diagnostics.eventSenders) lines.push(line($, _(`${KEY}.untrusted`, { count: diagnostics.eventSenders.untrusted })));
  return lines;
}

/** The test's report as lines, in plain words. */
export function reportLines(form: ConfigForm, report: ConnectionTestReport): JQ[] {
  const { $, _ } = form;
  const t = `${KEY}.test`;
  if (report.configError !== undefined) return [line($, _(`${t}.configError`, { message: report.configError }), 'bad')];
  const lines: JQ[] = [];
  for (const broker of report.brokers) {
    if (broker.ok) {
      lines.push(line($, _(`${t}.brokerOk`, { broker: broker.broker }), 'ok'));
      continue;
    }
    const cause = broker.cause ?? '';
    const kind = broker.kind === undefined ? cause : _(`tie.cause.${broker.kind}`);
    lines.push(line($, _(broker.tls ? `${t}.brokerTls` : `${t}.brokerFailed`, { broker: broker.broker, kind, cause }), 'bad'));
  }
  if (!report.brokers.some((broker) => broker.ok)) {
    lines.push(line($, _(`${t}.noBroker`), 'bad'));
    return lines;
  }
  if (report.fabricBrokers !== undefined && report.fabricBrokers.length > 0) {
    const list = report.fabricBrokers.map((b) => (b.hostname ? `${b.hostname}${b.port ? `:${b.port}` : ''}` : b.guid)).join(', ');
    lines.push(line($, _(`${t}.fabricBrokers`, { count: report.fabricBrokers.length, list })));
  }
  if (report.tie === undefined) lines.push(line($, _(`${t}.noRegistry`), 'warn'));
  else if (report.tie.instances === 0) lines.push(line($, _(`${t}.tieMissing`, { services: report.services ?? 0 }), 'bad'));
  else {
    const version = report.tie.version;
    const key = version === undefined ? `${t}.tieRegistered` : `${t}.tieVersion`;
    lines.push(line($, _(key, { count: report.tie.instances, ...(version === undefined ? {} : { version }) }), 'ok'));
  }
  for (const probe of report.topics) {
    const grouped = probe.group !== undefined && (probe.verdict === 'notAuthorized' || probe.verdict === 'notDelivered');
    const key = `${t}.topic.${probe.verdict}${grouped ? 'Group' : ''}`;
    const tone: Tone = probe.verdict === 'answered' || probe.verdict === 'delivered' ? 'ok' : 'bad';
    lines.push(line($, _(key, { topic: probe.topic, ...(probe.group === undefined ? {} : { group: probe.group }) }), tone));
  }
  return lines;
}

function reasonOf(xhr: AjaxFailure): string {
  return xhr.responseJSON?.message ?? xhr.statusText;
}

export interface DiagnosticsForm extends ConfigForm {
  /** The dialog's settings and credentials as the runtime reads them. */
  current(): { settings: Record<string, unknown>; credentials: Record<string, unknown> };
}

/** Sets the tab up; returns what stops its refreshing (the dialog closes). */
export function setupDiagnostics(form: DiagnosticsForm, node: EditorNode): () => void {
  const { $, _ } = form;
  const list = $('#tie-config-diagnostics');
  const refresh = (): void => {
    $.ajax({ url: `tie-config/${encodeURIComponent(node.id)}/diagnostics`, type: 'GET' })
      .done((answer) => {
        list.empty();
        const deployed = (answer as { deployed?: unknown }).deployed !== false;
        list.append(...(deployed ? diagnosticsLines(form, answer as TieConfigDiagnostics) : [line($, _(`${KEY}.notDeployed`))]));
      })
      .fail((xhr) => {
        list.empty();
        list.append(line($, _(`${KEY}.unavailable`, { reason: reasonOf(xhr) })));
      });
  };
  refresh();
  // Stops once the dialog is gone (its elements are removed when it closes).
  const timer = setInterval(() => {
    if ($('#tie-config-diagnostics').length === 0) clearInterval(timer);
    else refresh();
  }, REFRESH_MS);

  const result = $('#tie-config-test-result');
  $('#tie-config-test-button').on('click', () => {
    const { settings, credentials } = form.current();
    $('#tie-config-test-button').prop('disabled', true);
    result.empty();
    result.append(line($, _(`${KEY}.testing`)));
    $.ajax({
      url: 'tie-config/test',
      type: 'POST',
      contentType: 'application/json',
      data: JSON.stringify({ id: node.id, settings, credentials }),
    })
      .done((answer) => {
        result.empty();
        result.append(...reportLines(form, answer as ConnectionTestReport));
      })
      .fail((xhr) => {
        result.empty();
        result.append(line($, _(`${KEY}.testFailed`, { reason: reasonOf(xhr) }), 'bad'));
      })
      .always(() => {
        $('#tie-config-test-button').prop('disabled', false);
      });
  });
  return () => clearInterval(timer);
}
