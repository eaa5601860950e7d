/**
 * tie-status: the connection of its tie-config as messages, so that a flow can alert: one msg on
 * each change (connected to which broker, disconnected with the reason, failed over), and the
 * current diagnostics on input.
 */
import { linkToConfig, noConfigError } from '../kit/connection';
import { ConnectionChanges } from '../kit/connection-changes';
import type { NodeRedApi } from '../kit/node-red';
import { NO_CONFIG_STATUS, connectionStatus, statusDisplay, translator } from '../kit/status';
import { registerFlowNode } from '../kit/values';
import { PROPERTIES, TYPE } from './properties';

export = function registerTieStatus(RED: NodeRedApi): void {
  registerFlowNode(RED, TYPE, PROPERTIES, (node, settings) => {
    const changes = new ConnectionChanges();
    let closed = false;
    let made = false;
    const display = statusDisplay(RED, node, () => (link.connection ? connectionStatus(link.state) : NO_CONFIG_STATUS));
    // The first state arrives while the link is made: a failure already there is a change to send too.
    const link = linkToConfig(RED, node, settings.connection, (state) => {
      if (closed) return;
      const change = changes.next(state);
      if (change !== undefined) node.send({ topic: change.event, payload: change });
      if (made) display.changed();
    });
    made = true;
    display.changed();
    node.on('input', (msg, send, done) => {
      const connection = link.connection;
      if (connection === undefined) {
        done(noConfigError(translator(RED)));
        return;
      }
      send({ ...msg, topic: 'diagnostics', payload: connection.diagnostics() });
      done();
    });
    node.on('close', (removed, done) => {
      closed = true;
      link.release(removed).then(
        () => done(),
        () => done(),
      );
    });
  });
};
