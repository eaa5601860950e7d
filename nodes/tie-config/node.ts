/**
 * tie-config: one DXL connection (brokers, TLS material, options) shared by every TIE node that
 * selects it. The connection opens when the first node registers and closes when the last one
 * leaves; every user shows its state. TLS material is kept as credentials, never in flow exports.
 */
import { type ConnectionTuning, type TieConfigCredentials, type TieConfigSettings, nodeRedTuning } from './client-options';
import { configNodeConnection } from './config-connection';
import { summarizeConfigFile } from './config-file-summary';
import { diagnosticsHandler, testHandler } from './config-diagnostics';
import { followConfigFile } from './config-file-watch';
import { importDxlConfig, importFailure } from './config-import';
import { TIE_CONFIG_CREDENTIALS } from './config-credentials';
import { provisionFailureStatus, provisionForEditor, requireJsonBody, updateBrokersForEditor } from './config-provision';
import type { SharedConnection, StateListener } from '../kit/connection';
import { trackFlowStarts } from '../kit/event-node';
import type { AdminHandler, NodeDefinition, NodeInstance, NodeRedApi } from '../kit/node-red';
import { CONFIG_ERROR_CAUSE, StatusText, type Translate, translator } from '../kit/status';
import { userText } from '../kit/text';

interface TieConfigDefinition extends NodeDefinition, TieConfigSettings {}

interface TieConfigNodeInstance extends NodeInstance {
  connection: SharedConnection;
}

/** Logs each change of state once: connected/disconnected as info; failures are warned by the client itself. */
function stateLogger(node: NodeInstance, translate: Translate): StateListener {
  let last = '';
  return (state) => {
    const key = `${state.status}|${state.reason ?? ''}`;
    if (key === last) return;
    last = key;
    if (state.status === 'connected') {
      node.log(translate(state.broker ? userText('tie.log.connectedTo', { broker: state.broker }) : userText('tie.log.connected')));
    } else if (state.status === 'closed' && state.cause === CONFIG_ERROR_CAUSE) {
      node.error(translate(userText('tie.log.cannotConnect', { reason: state.reason ?? translate(userText('tie.cause.configError')) })));
    } else if (state.status === 'closed') node.log(translate(StatusText.disconnected));
  };
}

const importHandler: AdminHandler = (request, response) => {
  try {
    response.json(importDxlConfig(request.body));
  } catch (error) {
    response.status(400).json(importFailure(error));
  }
};

const fileSummaryHandler: AdminHandler = (request, response) => {
  try {
    response.json(summarizeConfigFile(request.body));
  } catch (error) {
    response.status(400).json(importFailure(error));
  }
};

/** Runs a provisioning action; a failure answers its status with {code, message} (never the password). */
function provisioningHandler(action: (body: unknown) => Promise<unknown>): AdminHandler {
  return (request, response) => {
    action(request.body).then(
      (result) => response.json(result),
      (error: unknown) => {
        const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : 'PROVISION_FAILED';
        response.status(provisionFailureStatus(error)).json({ code, message: error instanceof Error ? error.message : String(error) });
      },
    );
  };
}

export = function registerTieConfig(RED: NodeRedApi): void {
  trackFlowStarts(RED);

  function TieConfigNode(this: NodeInstance, definition: TieConfigDefinition): void {
    RED.nodes.createNode(this, definition);
    const node = this as TieConfigNodeInstance;
    const settings: TieConfigSettings = definition;
    const credentials = (this.credentials ?? {}) as TieConfigCredentials;
    const { reconnect, configFileCheckMs } = nodeRedTuning(RED.settings);
    const translate = translator(RED);
    const tuning: ConnectionTuning = { reconnect, logger: { warn: (line) => node.warn(line), debug: (line) => node.debug(line) } };
    // Settings from a dxlclient.config: a change of the file reaches the connection without a redeploy.
    const follower = followConfigFile({
      settings,
      credentials,
      tuning,
      checkIntervalMs: configFileCheckMs,
      onEvent: (event) => {
        if (event.kind === 'retry') {
          // No client could be made at deploy (the file was not there yet): make one now.
          node.log(translate(userText('tie.log.configFileRetry', { file: event.file })));
          node.connection.retry();
        } else if (event.kind === 'changed') node.log(translate(userText('tie.log.configFileChanged', { file: event.file })));
        else node.warn(translate(userText('tie.log.configFileUnusable', { file: event.file, reason: event.error.message })));
      },
    });
    node.connection = configNodeConnection({
      settings,
      credentials,
      tuning,
      onStateChange: stateLogger(node, translate),
      ...(follower ? { onClient: (client) => follower.track(client) } : {}),
    });
    node.on('close', (_removed, done) => {
      follower?.close();
      node.connection.close().then(
        () => done(),
        () => done(),
      );
    });
  }

  RED.nodes.registerType('tie-config', TieConfigNode, { credentials: TIE_CONFIG_CREDENTIALS });

  // The editor's "Import dxlclient.config": it posts the file's text and the PEM files picked
  // with it. Nothing is read from the server's disk.
  // Every action takes JSON only (requireJsonBody): a cross-site form post is refused before it runs.
  RED.httpAdmin.post('/tie-config/import', RED.auth.needsPermission('tie-config.write'), requireJsonBody, importHandler);

  // A file-based tie-config's form shows what its dxlclient.config says (brokers, certificate paths;
  // never key material), and switching to "in this form" starts from it. Reading needs read permission only.
  RED.httpAdmin.post('/tie-config/file-summary', RED.auth.needsPermission('tie-config.read'), requireJsonBody, fileSummaryHandler);

  // The editor's "Provision" and "Update brokers": the runtime makes the key and CSR and talks to
  // ePO or the OpenDXL console; the password is used for the call only. Files are written only to
  // a folder the user typed.
  RED.httpAdmin.post(
    '/tie-config/provision',
    RED.auth.needsPermission('tie-config.write'),
    requireJsonBody,
    provisioningHandler(provisionForEditor),
  );
  RED.httpAdmin.post(
    '/tie-config/update-brokers',
    RED.auth.needsPermission('tie-config.write'),
    requireJsonBody,
    provisioningHandler(updateBrokersForEditor),
  );

  // The editor's Diagnostics tab: a deployed tie-config's diagnostics, refreshed while the dialog
  // is open, and "Test connection" on the dialog's settings (it posts TLS material, as the import does).
  RED.httpAdmin.get('/tie-config/:id/diagnostics', RED.auth.needsPermission('tie-config.read'), diagnosticsHandler(RED));
  RED.httpAdmin.post('/tie-config/test', RED.auth.needsPermission('tie-config.write'), testHandler(RED));
};
