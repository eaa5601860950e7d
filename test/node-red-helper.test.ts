import assert from 'node:assert/strict';
import { helper } from './support/node-red-helper';

describe('the Node-RED test helper', function () {
  it('stops only a server it started: a second stop, as an after hook does when its before hook failed, does nothing', async () => {
    await helper.startServer();
    await helper.stopServer();
    await helper.stopServer();
    assert.equal(helper._server, undefined);
  });
});
