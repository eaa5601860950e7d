/**
 * A file-based tie-config's form shows what its dxlclient.config says, read-only: the brokers and
 * transport on the Connection tab, the certificate paths on the Security tab (the runtime reads the
 * file: POST tie-config/file-summary, never key material). Switching to "in this form" starts from
 * what the file says: its brokers, transport, proxy and the certificate paths as PEM files on the server.
 */
import { fieldText } from '../editor/common';
import { type BrokerRow, type ConfigForm, post, reasonOf } from './editor-actions';
import type { JQ } from '../editor/red';

/** The runtime's answer (nodes/tie-config/config-file-summary.ts). */
export interface FileSummary {
  file: string;
  brokers: BrokerRow[];
  transport: 'mqtt' | 'websockets';
  caFile: string;
  certFile: string;
  keyFile: string;
  clientId?: string;
  proxy?: { host: string; port: number };
}

export const FILE_SUMMARY_URL = 'tie-config/file-summary';

/** "host:port", hosts of one broker joined as the file gives them. */
export function brokerText(broker: BrokerRow): string {
  return `${broker.host}:${broker.port}`;
}

export function setupFileSummary(form: ConfigForm): void {
  const { $, _ } = form;
  let summary: FileSummary | undefined;
  let asked = '';
  const rows = (target: JQ, entries: Array<[string, string]>): void => {
    target.empty();
    for (const [label, value] of entries) {
      target.append(
        $('<div class="tie-config-file-entry">').append($('<span class="tie-config-file-key">').text(label), $('<span>').text(value)),
      );
    }
  };
  const show = (): void => {
    const connection = $('#tie-config-file-summary');
    const security = $('#tie-config-file-tls');
    connection.removeClass('tie-config-provision-error');
    security.removeClass('tie-config-provision-error');
    if (summary === undefined) return;
    rows(connection, [
      [_('tie-config.fileSummary.brokers'), summary.brokers.map(brokerText).join(', ')],
      [_('tie-config.label.transport'), _(`tie-config.transport.${summary.transport}`)],
      ...(summary.proxy ? ([[_('tie-config.label.proxy'), `${summary.proxy.host}:${summary.proxy.port}`]] as Array<[string, string]>) : []),
    ]);
    rows(security, [
      [_('tie-config.label.ca'), summary.caFile],
      [_('tie-config.label.cert'), summary.certFile],
      [_('tie-config.label.key'), summary.keyFile],
    ]);
  };
  const failed = (reason: string): void => {
    summary = undefined;
    for (const id of ['#tie-config-file-summary', '#tie-config-file-tls']) {
      $(id).empty().text(_('tie-config.fileSummary.failed', { reason })).addClass('tie-config-provision-error');
    }
  };
  const read = (): void => {
    if ($('#node-config-input-source').val() !== 'file') return;
    const file = fieldText($('#node-config-input-configFile').val());
    if (file === asked) return;
    asked = file;
    summary = undefined;
    if (file === '') {
      for (const id of ['#tie-config-file-summary', '#tie-config-file-tls']) $(id).empty();
      return;
    }
    $('#tie-config-file-summary').empty().text(_('tie-config.fileSummary.reading'));
    post(form, FILE_SUMMARY_URL, { file })
      .done((answer) => {
        if (asked !== file) return;
        summary = answer as FileSummary;
        show();
      })
      .fail((xhr) => {
        if (asked === file) failed(reasonOf(xhr));
      });
  };
  $('#node-config-input-configFile').on('change', read);

  let source = String($('#node-config-input-source').val());
  $('#node-config-input-source').on('change', () => {
    const now = String($('#node-config-input-source').val());
    if (source === 'file' && now === 'form' && summary !== undefined) startFormFrom(form, summary);
    source = now;
    read();
  });
  read();
}

/** The form as the file says: brokers, transport, proxy, client id, the PEM files by path. */
function startFormFrom(form: ConfigForm, summary: FileSummary): void {
  const { $ } = form;
  form.setBrokers(summary.brokers);
  $('#node-config-input-transport').val(summary.transport);
  if (summary.proxy) {
    $('#node-config-input-proxyHost').val(summary.proxy.host);
    $('#node-config-input-proxyPort').val(summary.proxy.port);
  }
  if (summary.clientId && fieldText($('#node-config-input-clientId').val()) === '') $('#node-config-input-clientId').val(summary.clientId);
  $('#node-config-input-tlsSource').val('files');
  $('#node-config-input-caFile').val(summary.caFile);
  $('#node-config-input-certFile').val(summary.certFile);
  $('#node-config-input-keyFile').val(summary.keyFile);
  form.refreshRows();
}
