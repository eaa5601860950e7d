import assert from 'node:assert/strict';
import { DxlErrorCode } from '../src/dxl/errors';
import { LoopbackDxl } from './support/tie-loopback';
import { rejectsWith } from './support/rejects-with';

describe('TIE test support: the loopback DXL', () => {
  it('routes a request to its service and an ErrorResponse to a DxlError', async () => {
    const dxl = new LoopbackDxl();
    dxl.serve('/a', () => ({ payload: 'ok' }));
    dxl.serve('/b', () => ({ errorCode: 0, errorMessage: 'nope' }));
    assert.equal((await dxl.request('/a', 'x')).payload.toString(), 'ok');
    await rejectsWith(dxl.request('/b', 'x'), DxlErrorCode.ErrorResponse, 'nope');
    await rejectsWith(dxl.request('/c', 'x'), DxlErrorCode.ServiceUnavailable, 'unable to locate service for request');
  });
});
