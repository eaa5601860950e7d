/**
 * A running Node-RED seen from outside, as the editor sees it: its admin HTTP API (inject
 * buttons, deploys) and the debug messages its comms WebSocket pushes to the sidebar.
 */
import http from 'node:http';
import WebSocket from 'ws';

export interface DebugMessage {
  /** The debug node's name. */
  name?: string;
  /** The shown message, as the sidebar gets it (JSON text for a complete msg). */
  msg?: string;
}

function post(url: string, headers: Record<string, string> = {}, body = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Clicks an inject node's button (POST /inject/:id), once the node runs (404 until flows have started). */
export async function clickInject(editorUrl: string, id: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await post(new URL(`inject/${id}`, editorUrl).href);
    if (status === 200) return;
    if (status !== 404 || Date.now() > deadline) throw new Error(`POST /inject/${id} answered ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Restarts every flow from the deployed configuration, as Deploy > Restart Flows does. */
export async function restartFlows(editorUrl: string): Promise<void> {
  const status = await post(new URL('flows', editorUrl).href, { 'Node-RED-Deployment-Type': 'reload' }, '{}');
  if (status !== 200 && status !== 204) throw new Error(`POST /flows (reload) answered ${status}`);
}

/** The debug sidebar's feed: every debug message from now on. */
export class DebugFeed {
  readonly messages: DebugMessage[] = [];
  private readonly socket: WebSocket;
  private readonly opened: Promise<void>;

  constructor(editorUrl: string) {
    const url = new URL('comms', editorUrl);
    url.protocol = 'ws:';
    this.socket = new WebSocket(url.href);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => {
        this.socket.send(JSON.stringify({ subscribe: 'debug' }));
        resolve();
      });
      this.socket.once('error', reject);
    });
    this.socket.on('message', (data) => {
      const batch = JSON.parse((data as Buffer).toString()) as Array<{ topic: string; data: DebugMessage }>;
      for (const { topic, data: message } of Array.isArray(batch) ? batch : [batch]) if (topic === 'debug') this.messages.push(message);
    });
  }

  ready(): Promise<void> {
    return this.opened;
  }

  /** The next message of the debug node `name` after the `seen` ones, within timeoutMs. */
  async next(name: string, seen: number, timeoutMs = 15_000): Promise<DebugMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.filter((m) => m.name === name)[seen];
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no message at debug node "${name}" within ${timeoutMs} ms (got ${JSON.stringify(this.messages).slice(0, 500)})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  count(name: string): number {
    return this.messages.filter((m) => m.name === name).length;
  }

  close(): void {
    this.socket.close();
  }
}
