/** The Node-RED majors users run, each under the Node.js it needs (Node-RED 5 needs 22.9 or later). */
export interface MatrixTarget {
  /** Node-RED minor line, installed as `node-red@~<minor>.0`. */
  readonly nodeRed: string;
  /** Node.js major; `undefined` runs the Node.js that runs the matrix (20 on our machines). */
  readonly node?: string;
  /** Also run the editor's browser test on this target. */
  readonly editor: boolean;
  /** Also run a new user's first run (test/matrix/first-run.check.ts): the README's install section in Chromium. */
  readonly firstRun?: boolean;
}

export const TARGETS: readonly MatrixTarget[] = [
  { nodeRed: '3.1', editor: false },
  { nodeRed: '4.1', editor: true },
  { nodeRed: '5.0', node: '22', editor: true, firstRun: true },
];

export function targetName(target: MatrixTarget, nodeVersion: string): string {
  return `Node-RED ${target.nodeRed} on Node.js ${nodeVersion}`;
}
