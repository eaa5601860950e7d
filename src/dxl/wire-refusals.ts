/**
 * What a DxlClient refuses from the wire or cannot send, counted (`client.stats`, for a diagnostics
 * page) and logged once per interval with the count (interval-log.ts): messages over the size limit,
 * bytes that are not a DXL message, requests whose reply topic cannot be answered, responses not sent.
 */
import { IntervalLog, intervalText } from './interval-log';
import type { DxlLogger } from './options';
import { receivedPacketLimit } from './packet-limits';

export interface ClientStats {
  readonly refused: {
    /** Received messages over maxMessageBytes, dropped by their MQTT header without being read. */
    readonly oversized: number;
    /** Received messages that are not a DXL message. */
    readonly malformed: number;
    /** Requests not served: their reply topic cannot be published to (a wildcard, empty). */
    readonly unanswerable: number;
  };
  /** Responses and error responses that could not be sent. */
  readonly unsentResponses: number;
}

/** "in the last 60 s" for a count of an interval; nothing for the first occurrence. */
function during(intervalMs: number | undefined): string {
  return intervalMs === undefined ? '' : ` in the last ${intervalText(intervalMs)}`;
}

export class WireRefusals {
  private readonly counts = { refused: { oversized: 0, malformed: 0, unanswerable: 0 }, unsentResponses: 0 };
  private readonly oversizedLog: IntervalLog;
  private readonly malformedLog: IntervalLog;
  private readonly unanswerableLog: IntervalLog;
  private readonly unsentLog: IntervalLog;

  constructor(logger: DxlLogger, maxMessageBytes: number, intervalMs: number) {
    const warn = (line: string): void => logger.warn(line);
    const limit = receivedPacketLimit(maxMessageBytes);
    this.oversizedLog = new IntervalLog(
      warn,
      (count, latest, interval) =>
        `refused ${count} received message(s) over the ${limit} bytes allowed (maxMessageBytes and what a broker adds)${during(interval)}, unread; latest: ${latest}`,
      intervalMs,
    );
    this.malformedLog = new IntervalLog(
      warn,
      (count, latest, interval) => `dropped ${count} malformed message(s)${during(interval)}, latest on ${latest}`,
      intervalMs,
    );
    this.unanswerableLog = new IntervalLog(
      warn,
      (count, latest, interval) =>
        `ignored ${count} request(s) whose reply topic cannot be answered${during(interval)}, latest on ${latest}`,
      intervalMs,
    );
    this.unsentLog = new IntervalLog(
      warn,
      (count, latest, interval) =>
        count === 1 && interval === undefined ? latest : `${count} more response(s) not sent${during(interval)}; latest: ${latest}`,
      intervalMs,
    );
  }

  get stats(): ClientStats {
    return this.counts;
  }

  /** `remainingLength` undefined: a WebSocket message over the limit closed the connection. */
  oversized(remainingLength: number | undefined): void {
    this.counts.refused.oversized++;
    this.oversizedLog.note(remainingLength === undefined ? 'a WebSocket message, which closed the connection' : `${remainingLength} bytes`);
  }

  malformed(topic: string, reason: string): void {
    this.counts.refused.malformed++;
    this.malformedLog.note(`${topic}: ${reason}`);
  }

  /** `reason`: what is wrong with the reply topic (not the topic itself: a peer chose it). */
  unanswerable(topic: string, reason: string): void {
    this.counts.refused.unanswerable++;
    this.unanswerableLog.note(`${topic}: ${reason}`);
  }

  unsent(text: string): void {
    this.counts.unsentResponses++;
    this.unsentLog.note(text);
  }

  dispose(): void {
    this.oversizedLog.dispose();
    this.malformedLog.dispose();
    this.unanswerableLog.dispose();
    this.unsentLog.dispose();
  }
}
