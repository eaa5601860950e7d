import type { NodeStatus } from '../../src/flow/status';
import type { NodeInstance, ShownStatus } from './node-red-types';
import { type Translate, shownStatus } from './node-text';

/** Status changes shown at once per STATUS_WINDOW_MS; more wait for the window to end. */
export const STATUS_BURST = 10;
export const STATUS_WINDOW_MS = 1000;

/**
 * A status setter that only talks to the editor when the status actually changes, and at most
 * STATUS_BURST times a second: a node busy with thousands of messages a second would otherwise
 * spend more on status traffic than on its work. Beyond the burst, the latest status is shown
 * when the window ends. Nothing is shown after the node closed.
 */
export function statusSetter(node: NodeInstance, translate: Translate): (status: NodeStatus) => void {
  let shown = '';
  let windowStart = -Infinity;
  let shownInWindow = 0;
  let latest: { status: ShownStatus; key: string } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const show = (status: ShownStatus, key: string): void => {
    shown = key;
    shownInWindow++;
    node.status(status);
  };
  const showLatest = (): void => {
    timer = undefined;
    windowStart = performance.now();
    shownInWindow = 0;
    if (!closed && latest !== undefined && latest.key !== shown) show(latest.status, latest.key);
  };
  node.on('close', () => {
    closed = true;
    clearTimeout(timer);
  });
  return (flowStatus) => {
    if (closed) return;
    const status = shownStatus(flowStatus, translate);
    const key = `${status.fill ?? ''}|${status.shape ?? ''}|${status.text ?? ''}`;
    latest = { status, key };
    if (timer !== undefined || key === shown) return;
    const now = performance.now();
    if (now - windowStart >= STATUS_WINDOW_MS) {
      windowStart = now;
      shownInWindow = 0;
    }
    if (shownInWindow < STATUS_BURST) show(status, key);
    else timer = setTimeout(showLatest, windowStart + STATUS_WINDOW_MS - now);
  };
}

/** Warns once per distinct text: advice repeated for every message would drown the log. */
export function warnOnce(node: NodeInstance): (text: string) => void {
  const said = new Set<string>();
  return (text) => {
    if (said.has(text)) return;
    said.add(text);
    node.warn(text);
  };
}
