/**
 * tie-config's actions that ask the runtime (nodes/tie-config/node.ts serves them): Provision and
 * Update brokers (ePO or an OpenDXL console; the runtime makes the key and CSR), and the import
 * of a dxlclient.config with the PEM files beside it.
 */
import { fieldText } from '../editor/common';
import { pickedFiles } from '../editor/browser-files';
import type { AjaxFailure, Dollar, EditorRED, Translate } from '../editor/red';

export interface BrokerRow {
  host: string;
  /** A port; text only when the form holds something else, which the validator flags. */
  port: number | string;
  id?: string;
}

/** What the actions change in the open tie-config form. */
export interface ConfigForm {
  RED: EditorRED;
  $: Dollar;
  _: Translate;
  setBrokers(brokers: readonly BrokerRow[]): void;
  refreshRows(): void;
}

interface ProvisionAnswer {
  transport: string;
  brokers: BrokerRow[];
  webSocketBrokers: BrokerRow[];
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  files?: { caFile: string; certFile: string; keyFile: string; config: string };
}

interface ImportAnswer {
  brokers: BrokerRow[];
  transport: string;
  clientId?: string;
  proxy?: { host: string; port: number; user?: string; password?: string };
  ca: { pem?: string };
  cert: { pem?: string };
  key: { pem?: string };
  missing: string[];
}

export function reasonOf(xhr: AjaxFailure): string {
  return xhr.responseJSON?.message ?? xhr.statusText;
}

export function post(form: ConfigForm, url: string, body: unknown): ReturnType<Dollar['ajax']> {
  return form.$.ajax({ url, type: 'POST', contentType: 'application/json', data: JSON.stringify(body) });
}

export function setupProvisioning(form: ConfigForm): void {
  const { $, _, RED } = form;
  const outcome = (text: string, kind: 'success' | 'error'): void => {
    $('#tie-config-provision-result')
      .text(text)
      .toggleClass('tie-config-provision-error', kind === 'error');
    RED.notify(text, kind);
  };
  const refreshInsecureWarning = (): void => {
    $('.tie-config-provision-insecure').toggle($('#node-config-input-provisionTrustUnverified').is(':checked'));
  };
  $('#node-config-input-provisionTrustUnverified').on('change', refreshInsecureWarning);
  refreshInsecureWarning();

  const run = (url: string, extra: Record<string, unknown>, onAnswer: (answer: ProvisionAnswer) => void): void => {
    const body = {
      host: fieldText($('#node-config-input-provisionHost').val()),
      port: $('#node-config-input-provisionPort').val(),
      user: fieldText($('#node-config-input-provisionUser').val()),
      password: $('#tie-config-provision-password').val(),
      caPem: $('#node-config-input-provisionCaPem').val(),
      trustUnverifiedServer: $('#node-config-input-provisionTrustUnverified').is(':checked'),
      ...extra,
    };
    $('.tie-config-provision-action').prop('disabled', true);
    $('#tie-config-provision-result').text(_('tie-config.provision.working')).removeClass('tie-config-provision-error');
    post(form, url, body)
      .done((answer) => {
        // The password was for this call. After a failure it stays in the field for the retry, until
        // the dialog closes; it is never a property of the node, so never stored or exported.
        $('#tie-config-provision-password').val('');
        onAnswer(answer as ProvisionAnswer);
      })
      .fail((xhr) => outcome(_('tie-config.provision.failed', { reason: reasonOf(xhr) }), 'error'))
      .always(() => {
        $('.tie-config-provision-action').prop('disabled', false);
      });
  };

  $('#tie-config-provision-button').on('click', () => {
    const extra = {
      commonName: fieldText($('#node-config-input-provisionCommonName').val()),
      saveFolder: fieldText($('#tie-config-provision-folder').val()),
    };
    run('tie-config/provision', extra, (result) => {
      const brokers = result.transport === 'websockets' ? result.webSocketBrokers : result.brokers;
      $('#node-config-input-source').val('form');
      form.setBrokers(brokers);
      $('#node-config-input-transport').val(result.transport);
      if (result.files) {
        $('#node-config-input-tlsSource').val('files');
        $('#node-config-input-caFile').val(result.files.caFile);
        $('#node-config-input-certFile').val(result.files.certFile);
        $('#node-config-input-keyFile').val(result.files.keyFile);
      } else {
        $('#node-config-input-tlsSource').val('credentials');
        $('#node-config-input-caPem').val(result.caPem ?? '');
        $('#node-config-input-certPem').val(result.certPem ?? '');
        $('#node-config-input-keyPem').val(result.keyPem ?? '');
      }
      form.refreshRows();
      let text = _('tie-config.provision.done', { brokers: brokers.length });
      if (result.files) text += ` ${_('tie-config.provision.saved', { file: result.files.config })}`;
      outcome(text, 'success');
    });
  });

  $('#tie-config-update-button').on('click', () => {
    run('tie-config/update-brokers', {}, (result) => {
      const webSockets = $('#node-config-input-transport').val() === 'websockets' && result.webSocketBrokers.length > 0;
      const brokers = webSockets || result.brokers.length === 0 ? result.webSocketBrokers : result.brokers;
      if (result.brokers.length === 0) $('#node-config-input-transport').val('websockets');
      form.setBrokers(brokers);
      let text = _('tie-config.provision.updated', { brokers: brokers.length });
      if ($('#node-config-input-tlsSource').val() === 'files') text += ` ${_('tie-config.provision.caNotWritten')}`;
      else $('#node-config-input-caPem').val(result.caPem ?? '');
      form.refreshRows();
      outcome(text, 'success');
    });
  });
}

export function setupImport(form: ConfigForm): void {
  const { $, _, RED } = form;
  const failed = (reason: string): void => RED.notify(_('tie-config.import.failed', { reason }), 'error');
  const fill = (result: ImportAnswer): void => {
    $('#node-config-input-source').val('form');
    form.setBrokers(result.brokers);
    $('#node-config-input-transport').val(result.transport);
    if (result.clientId) $('#node-config-input-clientId').val(result.clientId);
    if (result.proxy) {
      $('#node-config-input-proxyHost').val(result.proxy.host);
      $('#node-config-input-proxyPort').val(result.proxy.port);
      if (result.proxy.user) $('#node-config-input-proxyUser').val(result.proxy.user);
      if (result.proxy.password) $('#node-config-input-proxyPassword').val(result.proxy.password);
    }
    $('#node-config-input-tlsSource').val('credentials');
    if (result.ca.pem) $('#node-config-input-caPem').val(result.ca.pem);
    if (result.cert.pem) $('#node-config-input-certPem').val(result.cert.pem);
    if (result.key.pem) $('#node-config-input-keyPem').val(result.key.pem);
    form.refreshRows();
    // Say all it filled in: the brokers, and the PEM material when the files came with the config.
    const allTls = Boolean(result.ca.pem && result.cert.pem && result.key.pem);
    let text = _(allTls ? 'tie-config.import.doneWithTls' : 'tie-config.import.done', { brokers: result.brokers.length });
    if (result.missing.length > 0) text += ` ${_('tie-config.import.missing', { files: result.missing.join(', ') })}`;
    RED.notify(text, result.missing.length > 0 ? 'warning' : 'success');
  };

  $('#tie-config-import-button').on('click', () => {
    $('#tie-config-import-file').trigger('click');
  });
  $('#tie-config-import-file').on('change', function () {
    const input = $(this);
    const picked = pickedFiles(input.prop('files'));
    input.val('');
    if (picked.length === 0) return;
    Promise.all(picked.map(async (file) => ({ name: file.name, text: await file.text() }))).then(
      (files) => {
        const config = files.find((f) => /\[Certs\]/.test(f.text) || /\.config$/i.test(f.name));
        if (config === undefined) {
          RED.notify(_('tie-config.import.noConfig'), 'error');
          return;
        }
        const others: Record<string, string> = {};
        for (const f of files) if (f !== config) others[f.name] = f.text;
        post(form, 'tie-config/import', { config: config.text, files: others })
          .done((answer) => fill(answer as ImportAnswer))
          .fail((xhr) => failed(reasonOf(xhr)));
      },
      (error: unknown) => failed(String(error)),
    );
  });
}
