/**
 * Accounting of input messages through a flow: each message carries `seq`; a Complete node
 * reports its done(), a Catch node its done(err). Every message must end exactly once.
 */
import type { TestMessage } from '../../support/node-red-helper';

export interface Settlement {
  /** seq → number of done() (Complete) */
  completed: Map<number, number>;
  /** seq → error codes of done(err) (Catch) */
  failed: Map<number, string[]>;
}

export interface LedgerReport {
  sent: number;
  succeeded: number;
  failedByCode: Record<string, number>;
  /** Messages that ended more than once. */
  duplicates: number[];
  /** Messages that have not ended. */
  missing: number[];
}

/** An error's code as text, 'NO_CODE' when it has none. */
function codeText(code: unknown): string {
  if (code === undefined || code === null) return 'NO_CODE';
  if (typeof code === 'string') return code;
  return typeof code === 'number' || typeof code === 'boolean' || typeof code === 'bigint' ? String(code) : JSON.stringify(code);
}

function seqOf(msg: TestMessage): number | undefined {
  return typeof msg.seq === 'number' ? msg.seq : undefined;
}

export function settle(completed: readonly TestMessage[], caught: readonly TestMessage[]): Settlement {
  const settlement: Settlement = { completed: new Map(), failed: new Map() };
  for (const msg of completed) {
    const seq = seqOf(msg);
    if (seq !== undefined) settlement.completed.set(seq, (settlement.completed.get(seq) ?? 0) + 1);
  }
  for (const msg of caught) {
    const seq = seqOf(msg);
    if (seq === undefined) continue;
    const code = codeText((msg.error as { code?: unknown } | undefined)?.code);
    settlement.failed.set(seq, [...(settlement.failed.get(seq) ?? []), code]);
  }
  return settlement;
}

/** How many of `sent` messages (seq 0 … sent-1) ended once, more than once, or not at all. */
export function report(sent: number, completed: readonly TestMessage[], caught: readonly TestMessage[]): LedgerReport {
  const { completed: done, failed } = settle(completed, caught);
  const out: LedgerReport = { sent, succeeded: 0, failedByCode: {}, duplicates: [], missing: [] };
  for (let seq = 0; seq < sent; seq++) {
    const successes = done.get(seq) ?? 0;
    const errors = failed.get(seq) ?? [];
    const endings = successes + errors.length;
    if (endings === 0) out.missing.push(seq);
    if (endings > 1) out.duplicates.push(seq);
    if (successes > 0) out.succeeded++;
    for (const code of errors) out.failedByCode[code] = (out.failedByCode[code] ?? 0) + 1;
  }
  return out;
}

/** Every message has ended. */
export function allEnded(sent: number, completed: readonly TestMessage[], caught: readonly TestMessage[]): boolean {
  const r = report(sent, completed, caught);
  return r.missing.length === 0;
}

/** Sends one message every `intervalMs` until stopped; `seq` counts from 0. */
export function steadyLoad(send: (seq: number) => void, intervalMs: number): { readonly sent: number; stop(): number } {
  let sent = 0;
  const timer = setInterval(() => send(sent++), intervalMs);
  return {
    get sent() {
      return sent;
    },
    stop: () => {
      clearInterval(timer);
      return sent;
    },
  };
}
