import type { NodeStatus } from '../../src/flow/status';
import type { NodeInstance } from './node-red-types';

/** A status setter that only talks to the editor when the status actually changes. */
export function statusSetter(node: NodeInstance): (status: NodeStatus) => void {
  let last = '';
  return (status) => {
    const key = `${status.fill ?? ''}|${status.shape ?? ''}|${status.text ?? ''}`;
    if (key === last) return;
    last = key;
    node.status(status);
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
