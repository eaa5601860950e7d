/**
 * The tie-config editor's Diagnostics tab, served by the runtime: a deployed tie-config's
 * diagnostics (GET), and "Test connection" on the dialog's current settings (POST). The test takes
 * the credentials the form posts; one the form leaves unchanged (empty, or the editor's stand-in
 * for a kept password) is the deployed node's, which only the runtime holds.
 */
import { type TieConfigNode, isTieConfigNode } from '../kit/connection';
import type { AdminHandler, NodeRedApi } from '../kit/node-red';
import type { TieConfigCredentials, TieConfigSettings } from './client-options';
import { TIE_CONFIG_CREDENTIALS } from './config-credentials';
import { type ConnectionTestOptions, type NodeUse, testConnection, topicsForNodes } from './connection-test';

/** What the editor shows in a password field whose value it was not given. */
const KEPT_PASSWORD = '__PWRD__';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deployedConfig(RED: NodeRedApi, id: unknown): TieConfigNode | undefined {
  if (typeof id !== 'string' || id === '') return undefined;
  const node = RED.nodes.getNode(id);
  return isTieConfigNode(node) ? node : undefined;
}

/** What the diagnostics endpoint answers for an id no deployed tie-config has (a dialog of a new node asks too). */
export const NOT_DEPLOYED = { deployed: false } as const;

/** GET tie-config/:id/diagnostics: the diagnostics, or NOT_DEPLOYED. */
export function diagnosticsHandler(RED: NodeRedApi): AdminHandler {
  return (request, response) => {
    const config = deployedConfig(RED, request.params?.id);
    response.json(config === undefined ? NOT_DEPLOYED : config.connection.diagnostics());
  };
}

/** The form's credentials, the deployed node's in place of those left unchanged. */
export function mergedCredentials(posted: unknown, deployed: Record<string, string | undefined> | undefined): TieConfigCredentials {
  const credentials: Record<string, string> = {};
  const form = isRecord(posted) ? posted : {};
  for (const name of Object.keys(TIE_CONFIG_CREDENTIALS)) {
    const value = form[name];
    const given = typeof value === 'string' && value !== '' && value !== KEPT_PASSWORD ? value : undefined;
    const kept = deployed?.[name];
    const chosen = given ?? (typeof kept === 'string' ? kept : undefined);
    if (chosen !== undefined) credentials[name] = chosen;
  }
  return credentials;
}

/** The deployed, enabled nodes that use the tie-config `id`. */
function usersOf(RED: NodeRedApi, id: string): NodeUse[] {
  const users: NodeUse[] = [];
  RED.nodes.eachNode((definition) => {
    if (id !== '' && definition.connection === id && definition.d !== true)
      users.push({ type: definition.type, subject: definition.subject });
  });
  return users;
}

/** POST tie-config/test: {id, settings, credentials} → the report (connection-test.ts). */
export function testHandler(RED: NodeRedApi, options: ConnectionTestOptions = {}): AdminHandler {
  return (request, response) => {
    const body = isRecord(request.body) ? request.body : {};
    const id = typeof body.id === 'string' ? body.id : '';
    const settings = (isRecord(body.settings) ? body.settings : {}) as TieConfigSettings;
    const credentials = mergedCredentials(body.credentials, deployedConfig(RED, id)?.credentials);
    testConnection(settings, credentials, topicsForNodes(usersOf(RED, id)), options).then(
      (report) => response.json(report),
      () => response.status(500).json({ code: 'TEST_FAILED', message: 'The connection test failed unexpectedly' }),
    );
  };
}
