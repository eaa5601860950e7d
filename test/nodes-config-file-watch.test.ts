/**
 * The tie-config's follower of its dxlclient.config: a file that appears right after the follower
 * starts, before fs.watchFile took its first look, is still noticed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ConfigFileEvent, followConfigFile } from '../nodes/tie-config/config-file-watch';
import { eventually } from './support/eventually';

describe('tie-config: following a dxlclient.config', () => {
  it('notices a file written at once after it starts following (ten times over)', async () => {
    for (let run = 0; run < 10; run++) {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tie-follow-')), 'dxlclient.config');
      const events: Array<ConfigFileEvent['kind']> = [];
      const follower = followConfigFile({
        settings: { source: 'file', configFile: file },
        credentials: {},
        checkIntervalMs: 100,
        quietMs: 50,
        onEvent: (event) => events.push(event.kind),
      });
      try {
        fs.writeFileSync(file, '[Certs]\nBrokerCertChain=ca.crt\n');
        await eventually(() => events.length > 0, `run ${run}: the new file noticed`, 2000);
        // No client was made at deploy (there was no file): the connection is asked to try now.
        assert.deepEqual(events, ['retry']);
      } finally {
        follower?.close();
      }
    }
  });
});
