import assert from 'node:assert/strict';
import type { NodeInstance, ShownStatus } from '../nodes/kit/node-red';
import { type NodeStatus, STATUS_BURST, STATUS_WINDOW_MS, shownStatus, statusDisplay } from '../nodes/kit/status';
import { userText } from '../nodes/kit/text';

/** The two members of a Node-RED node that a status display uses, recording what reaches the editor. */
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
/** What the editor gets for busy(count): the key and its parameter, as the stand-in RED._ writes them. */
const shownBusy = (count: number): ShownStatus => ({ fill: 'blue', shape: 'dot', text: `tie.status.requesting ${count}` });
const translate = (text: { key: string; params?: Readonly<Record<string, string | number>> }): string =>
  [text.key, ...Object.values(text.params ?? {})].join(' ');
const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A stand-in for RED._ that counts its calls. */
function countingRed(): { RED: { _: (key: string, params?: Record<string, unknown>) => string }; translations: () => number } {
  let calls = 0;
  return {
    RED: {
      _: (key, params) => {
        calls++;
        return [key, ...Object.values(params ?? {})].join(' ');
      },
    },
    translations: () => calls,
  };
}

describe('node status display', () => {
  it('computes and translates a status only when it shows one: a few at once, then only the latest when the window ends', async () => {
    const { node, shown, close } = recordingNode();
    const { RED, translations } = countingRed();
    let count = 1;
    let computed = 0;
    const display = statusDisplay(RED, node, () => {
      computed++;
      return busy(count);
    });
    display.changed();
    display.changed();
    assert.equal(shown.length, 1, 'the same status twice reaches the editor once');
    for (count = 2; count <= 5000; count++) display.changed();
    count = 5000;
    assert.equal(computed, STATUS_BURST, '5000 changes computed only the burst');
    assert.equal(translations(), STATUS_BURST);
    assert.equal(shown.length, STATUS_BURST - 1);
    assert.deepEqual(shown.at(-1), shownBusy(STATUS_BURST - 1));
    await wait(STATUS_WINDOW_MS + 50);
    assert.equal(computed, STATUS_BURST + 1);
    assert.equal(shown.length, STATUS_BURST);
    assert.deepEqual(shown.at(-1), shownBusy(5000));
    close();
  });

  it('shows nothing after the node closed, not even a change waiting for its window', async () => {
    const { node, shown, close } = recordingNode();
    let count = 0;
    const display = statusDisplay(countingRed().RED, node, () => busy(count));
    for (count = 1; count <= 50; count++) display.changed();
    close();
    display.changed();
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
