import { connectLibrary } from './library-client';
import type { EventJob, EventResult } from './workload';

/*
 * The library's event delivery, the figure the Node-RED event cell is set against: TieClient's
 * file reputation-change handler in a process of its own, counting what arrives. Prints `READY`
 * once subscribed, then `RESULT <json>` after a quiet second, from the first event to the last.
 */

const job = JSON.parse(process.argv[2]) as EventJob;

async function main(): Promise<void> {
  const { dxl, tie } = await connectLibrary(job.broker);
  let received = 0;
  let cpuBefore: NodeJS.CpuUsage | undefined;
  let started = 0n;
  let lastAt = 0n;
  await tie.onFileReputationChange(() => {
    if (received === 0) {
      cpuBefore = process.cpuUsage();
      started = process.hrtime.bigint();
    }
    received++;
    lastAt = process.hrtime.bigint();
  });
  process.stdout.write('READY\n');
  while (received === 0 || process.hrtime.bigint() - lastAt < 1_000_000_000n) await new Promise((resolve) => setTimeout(resolve, 100));
  const cpu = process.cpuUsage(cpuBefore);
  const result: EventResult = {
    broker: job.broker.name,
    events: received,
    cpuMicrosPerEvent: (cpu.user + cpu.system) / received,
    systemMicrosPerEvent: cpu.system / received,
    eventsPerSecond: received / (Number(lastAt - started) / 1e9),
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  await dxl.close();
  process.exit(0);
}

main().catch((error: Error) => {
  process.stderr.write(`event contender: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
