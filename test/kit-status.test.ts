import assert from 'node:assert/strict';
import { ConnectionCause } from '../src/dxl/connection-state';
import { DxlError } from '../src/dxl/errors';
import { TieError } from '../src/tie/errors';
import { TieNodeError, toNodeError } from '../nodes/kit/errors';
import {
  EventActivity,
  OUTCOME_SHOWN_MS,
  OutcomeFade,
  RequestActivity,
  StatusText,
  connectionStatus,
  wroteNote,
} from '../nodes/kit/status';
import { userText as t } from '../nodes/kit/text';

describe('kit: statuses', () => {
  it('shows the connection state with a short reason', () => {
    assert.deepEqual(connectionStatus({ status: 'connected', broker: 'h:1' }), { fill: 'green', shape: 'dot', text: StatusText.connected });
    assert.deepEqual(connectionStatus({ status: 'connecting', broker: 'dxl1:8883' }), {
      fill: 'yellow',
      shape: 'ring',
      text: t('tie.status.connectingTo', { broker: 'dxl1:8883' }),
    });
    assert.deepEqual(connectionStatus({ status: 'connecting', cause: 'SELF_SIGNED_CERT_IN_CHAIN', reason: 'TLS: ...' }), {
      fill: 'red',
      shape: 'ring',
      text: t('tie.cause.untrustedCa'),
    });
    assert.deepEqual(connectionStatus({ status: 'reconnecting', cause: 'ECONNREFUSED' }), {
      fill: 'yellow',
      shape: 'ring',
      text: t('tie.cause.refused'),
    });
    assert.deepEqual(connectionStatus({ status: 'reconnecting', cause: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' }), {
      fill: 'red',
      shape: 'ring',
      text: t('tie.cause.clientCertRejected'),
    });
    assert.deepEqual(connectionStatus({ status: 'closed', cause: 'CONFIG' }), {
      fill: 'red',
      shape: 'ring',
      text: t('tie.cause.configError'),
    });
    assert.deepEqual(connectionStatus({ status: 'closed' }), { fill: 'red', shape: 'ring', text: StatusText.disconnected });
    assert.deepEqual(connectionStatus({ status: 'reconnecting', cause: 'ERR_SSL_SOMETHING_NEW' }).text, t('tie.cause.tlsError'));
    assert.deepEqual(
      connectionStatus({ status: 'connecting', cause: 'BROKER_CLOSED', reason: 'the broker closed the connection before accepting it' }),
      {
        fill: 'red',
        shape: 'ring',
        text: t('tie.cause.refusedByBroker'),
      },
    );
    assert.deepEqual(
      connectionStatus({ status: 'connecting', cause: 'UNKNOWN', reason: 'something odd' }).text,
      t('tie.cause.cannotConnect'),
    );
    for (const cause of ['ETIMEDOUT', 'CONNECT_TIMEOUT', 'EHOSTUNREACH'])
      assert.deepEqual(connectionStatus({ status: 'connecting', cause }).text, t('tie.cause.unreachable'));
    // Every cause the DXL layer names itself has its words, none the "cannot connect" of an unknown one.
    for (const cause of Object.values(ConnectionCause).filter((cause) => cause !== ConnectionCause.Unknown))
      assert.notDeepEqual(connectionStatus({ status: 'reconnecting', cause }).text, t('tie.cause.cannotConnect'), cause);
    assert.deepEqual(connectionStatus({ status: 'reconnecting', cause: ConnectionCause.ConfigChanged }).text, t('tie.cause.configChanged'));
  });

  it('folds a request node activity into its status while connected', () => {
    const connected = { status: 'connected' as const };
    const activity = new RequestActivity();
    activity.started();
    assert.deepEqual(activity.status(connected), { fill: 'blue', shape: 'dot', text: t('tie.status.requesting', { count: 1 }) });
    activity.progress(3, 10);
    assert.deepEqual(activity.status(connected).text, t('tie.status.batch', { settled: 3, total: 10 }));
    assert.deepEqual(activity.status({ status: 'connecting', broker: 'b:1' }), {
      fill: 'yellow',
      shape: 'ring',
      text: t('tie.status.batchWaiting', { settled: 3, total: 10 }),
    });
    // A failed attempt's cause says why it waits.
    assert.deepEqual(activity.status({ status: 'reconnecting', broker: 'b:1', cause: 'ECONNREFUSED' }), {
      fill: 'yellow',
      shape: 'ring',
      text: t('tie.cause.refused'),
    });
    activity.finished({ errorCode: 'DXL_TIMEOUT' });
    assert.deepEqual(activity.status(connected), { fill: 'red', shape: 'dot', text: t('tie.error.timeout') });
    activity.started();
    activity.finished({ note: t('tie.status.skipped', { provider: 'GTI' }) });
    assert.deepEqual(activity.status(connected), { fill: 'green', shape: 'ring', text: t('tie.status.skipped', { provider: 'GTI' }) });
    activity.started();
    activity.finished({});
    assert.deepEqual(activity.status(connected), { fill: 'green', shape: 'dot', text: StatusText.connected });
  });

  it('counts events and shows subscription failures', () => {
    const connected = { status: 'connected' as const };
    const activity = new EventActivity();
    activity.subscribing();
    assert.deepEqual(activity.status(connected).text, t('tie.status.subscribing'));
    activity.subscribedNow();
    assert.deepEqual(activity.status(connected).text, StatusText.connected);
    activity.received();
    assert.deepEqual(activity.status(connected).text, t('tie.status.event', { count: 1 }));
    activity.received();
    assert.deepEqual(activity.status(connected).text, t('tie.status.events', { count: 2 }));
    assert.deepEqual(activity.status({ status: 'reconnecting', cause: 'CLOSED' }).text, t('tie.cause.lost'));
    activity.failed('DXL_CONFIG');
    assert.deepEqual(activity.status(connected), { fill: 'red', shape: 'ring', text: t('tie.error.configError') });
  });
});

describe('kit: outcomes fade, writes stay', () => {
  const connected = { status: 'connected' as const };

  it('an outcome fades after OUTCOME_SHOWN_MS; a write node keeps its last write', () => {
    const lookup = new RequestActivity();
    assert.equal(lookup.fadesInMs(performance.now()), undefined, 'nothing shown, nothing to fade');
    lookup.refused({ errorCode: 'TIE_INVALID_INPUT' });
    const left = lookup.fadesInMs(performance.now())!;
    assert.ok(left > OUTCOME_SHOWN_MS - 1000 && left <= OUTCOME_SHOWN_MS);
    assert.equal(lookup.status(connected).fill, 'red');

    const writer = new RequestActivity('tie', { dryRun: () => false, queued: () => 0 });
    writer.finished({ wrote: wroteNote(1) });
    assert.deepEqual(writer.status(connected), { fill: 'green', shape: 'dot', text: t('tie.status.wrote.1') });
    writer.finished({ errorCode: 'DXL_TIMEOUT' });
    assert.equal(writer.status(connected).fill, 'red', 'a failure shows first');
    assert.equal(lookup.fadesInMs(performance.now() + OUTCOME_SHOWN_MS)! <= 0, true, 'and fades');
  });

  it('a thousand outcomes arm one timer, not one each', () => {
    const activity = new RequestActivity();
    let changes = 0;
    const fade = new OutcomeFade(activity, () => changes++);
    const real = globalThis.setTimeout;
    let made = 0;
    globalThis.setTimeout = ((...args: Parameters<typeof real>) => {
      made++;
      return real(...args);
    }) as typeof real;
    try {
      for (let i = 0; i < 1000; i++) {
        activity.refused({ errorCode: 'TIE_INVALID_INPUT' });
        fade.arm();
      }
    } finally {
      globalThis.setTimeout = real;
    }
    fade.close();
    assert.equal(made, 1);
    assert.equal(changes, 0);
  });
});

describe('kit: errors for Catch nodes', () => {
  it('keeps the stable code and details of DXL and TIE errors as an own property', () => {
    const dxl = toNodeError(new DxlError('DXL_ERROR_RESPONSE', 'Could not find reputation', { fabricCode: 0, topic: '/t' }));
    assert.equal(dxl.code, 'DXL_ERROR_RESPONSE');
    assert.ok(Object.prototype.hasOwnProperty.call(dxl, 'code'), 'Node-RED copies only an own code to msg.error.code');
    assert.deepEqual(dxl.toJSON(), { code: 'DXL_ERROR_RESPONSE', message: 'Could not find reputation', fabricCode: 0, topic: '/t' });
    const tie = toNodeError(new TieError('TIE_INVALID_RESPONSE', 'not JSON'), { index: 2, total: 5 });
    assert.equal(tie.message, 'batch[2] of 5: not JSON');
    assert.equal(tie.index, 2);
    const other = toNodeError(new RangeError('odd'));
    assert.equal(other.code, 'TIE_INTERNAL');
    const same = new TieNodeError('TIE_NO_CONFIG', 'none');
    assert.equal(toNodeError(same), same);
  });
});
