import { ArrivalMeter } from './arrivals';
import { connectLibrary } from './library-client';
import type { EventJob, EventResult } from './workload';

/*
 * The library's event delivery, the figure the Node-RED event cell is set against: TieClient's
 * file reputation-change handler in a process of its own, counting what arrives. Prints `READY`
 * once subscribed, then `RESULT <json>` after a quiet second (the warm-up's events left out).
 */

const job = JSON.parse(process.argv[2]) as EventJob;

async function main(): Promise<void> {
  const { dxl, tie } = await connectLibrary(job.broker);
  const meter = new ArrivalMeter(job.warmup, job.events);
  await tie.onFileReputationChange(meter.arrive);
  process.stdout.write('READY\n');
  const { events, elapsedMs, cpu } = await meter.quiet();
  const result: EventResult = {
    broker: job.broker.name,
    events,
    cpuMicrosPerEvent: (cpu.user + cpu.system) / events,
    systemMicrosPerEvent: cpu.system / events,
    eventsPerSecond: events / (elapsedMs / 1000),
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  await dxl.close();
  process.exit(0);
}

main().catch((error: Error) => {
  process.stderr.write(`event contender: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
