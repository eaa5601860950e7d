import assert from 'node:assert/strict';
import { STATUS_BURST, STATUS_WINDOW_MS, statusSetter } from '../nodes/shared/node-status';
import { shownStatus } from '../nodes/shared/node-text';
import type { NodeInstance } from '../nodes/shared/node-red-types';
import type { NodeStatus } from '../src/flow/status';
import type { ShownStatus } from '../nodes/shared/node-red-types';
import { userText } from '../src/flow/text';

/** The two members of a Node-RED node that statusSetter uses, recording what reaches the editor. */
function recordingNode(): { node: NodeInstance; shown: ShownStatus[]; close: () => void } {
  const shown: ShownStatus[] = [];
  const closeListeners: Array<() => void> = [];
  const node = {
    status: (status: ShownStatus) => shown.push(status),
    on: (event: string, listener: () => void) => {
      if (event === 'close') closeListeners.push(listener);
    },
  } as unknown as NodeInstance;
  return { node, shown, close: () => closeListeners.forEach((listener) => listener()) };
}

const busy = (count: number): NodeStatus => ({ fill: 'blue', shape: 'dot', text: userText('tie.status.requesting', { count }) });
/** What the editor gets for busy(count): the key and its parameter, as a stand-in RED._ writes them. */
const shownBusy = (count: number): ShownStatus => ({ fill: 'blue', shape: 'dot', text: `tie.status.requesting ${count}` });
const translate = (text: { key: string; params?: Readonly<Record<string, string | number>> }): string =>
  [text.key, ...Object.values(text.params ?? {})].join(' ');
const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('node status updates', () => {
  it('shows a few changes at once, skips repeats, and shows only the latest of a flood when the window ends', async () => {
    const { node, shown, close } = recordingNode();
    const setStatus = statusSetter(node, translate);
    setStatus(busy(1));
    setStatus(busy(1));
    assert.equal(shown.length, 1);
    for (let count = 2; count <= 5000; count++) setStatus(busy(count));
    assert.equal(shown.length, STATUS_BURST);
    assert.deepEqual(shown.at(-1), shownBusy(STATUS_BURST));
    await wait(STATUS_WINDOW_MS + 50);
    assert.equal(shown.length, STATUS_BURST + 1);
    assert.deepEqual(shown.at(-1), shownBusy(5000));
    close();
  });

  it('shows nothing after the node closed, not even a change waiting for its window', async () => {
    const { node, shown, close } = recordingNode();
    const setStatus = statusSetter(node, translate);
    for (let count = 1; count <= 50; count++) setStatus(busy(count));
    close();
    setStatus(busy(99));
    await wait(STATUS_WINDOW_MS + 50);
    assert.equal(shown.length, STATUS_BURST);
  });

  it('sends a text without parameters as its key, for each editor to translate; one with parameters translated', () => {
    const noConfig = { fill: 'red', shape: 'ring', text: userText('tie.status.noConfig') } as const;
    assert.deepEqual(shownStatus(noConfig, translate), { fill: 'red', shape: 'ring', text: 'tie.status.noConfig' });
    assert.deepEqual(shownStatus(busy(3), translate), shownBusy(3));
    assert.deepEqual(shownStatus({}, translate), {});
  });
});
