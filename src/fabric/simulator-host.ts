import type { DxlMessaging } from '../dxl/api';
import { TieSimulator, type TieSimulatorOptions } from './tie-simulator';

/** Runs the TIE simulator on a fabric client, keeping its state in the fabric's data directory. */
export async function startTieSimulator(
  dxl: DxlMessaging,
  context: { dataDir: string; log: (line: string) => void },
  options: Pick<TieSimulatorOptions, 'periodicEvents' | 'seed' | 'unknownItems'> = {},
): Promise<{ close(): Promise<void> }> {
  const simulator = new TieSimulator(dxl, {
    ...options,
    dataDir: context.dataDir,
    onError: (error) => context.log(`TIE simulator: ${error.message}`),
  });
  await simulator.start();
  return simulator;
}
