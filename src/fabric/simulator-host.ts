import type { DxlMessaging } from '../dxl/api';
import { TieSimulator } from './tie-simulator';

/** Runs the TIE simulator on a fabric client, keeping its state in the fabric's data directory. */
export async function startTieSimulator(
  dxl: DxlMessaging,
  context: { dataDir: string; log: (line: string) => void },
): Promise<{ close(): Promise<void> }> {
  const simulator = new TieSimulator(dxl, {
    dataDir: context.dataDir,
    onError: (error) => context.log(`TIE simulator: ${error.message}`),
  });
  await simulator.start();
  return simulator;
}
