/** The start of every node's editor script in the browser: registers the node with the page's RED and $. */
import type { Dollar, EditorRED, RegisterEditor } from './red';

/** The editor page's globals (the script runs in Node-RED's editor, never in Node.js). */
declare const RED: EditorRED;
declare const $: Dollar;
declare const document: {
  readonly currentScript: {
    readonly src: string;
    addEventListener(event: 'load', listener: () => void, options: { once: true }): void;
  } | null;
};

export function registerOnLoad(register: RegisterEditor): void {
  const run = (): void => register(RED, $);
  // Node-RED (3.1 to 5.0) puts a node's help on the page only once the node's editor script has
  // loaded, in that script's load handler, and the palette's tooltip takes the help there is when
  // the type registers: so an editor script loaded from its URL registers after its load event's
  // first handler, Node-RED's. One run as inline text (no src: no load event) registers at once.
  const script = document.currentScript;
  if (script !== null && script.src !== '') script.addEventListener('load', run, { once: true });
  else run();
}
