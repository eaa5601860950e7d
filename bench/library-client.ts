import fs from 'node:fs';
import { DxlClient } from '../src/dxl/client';
import { TieClient } from '../src/tie/client';
import type { BrokerTarget } from './workload';

/** Our library on `broker`: a connected DxlClient and the TieClient on it, as the contenders run them. */
export async function connectLibrary(broker: BrokerTarget): Promise<{ dxl: DxlClient; tie: TieClient }> {
  const dxl = new DxlClient({
    brokers: [{ host: broker.host, port: broker.port }],
    ca: fs.readFileSync(broker.ca),
    cert: fs.readFileSync(broker.cert),
    key: fs.readFileSync(broker.key),
    logger: { warn: () => undefined },
  });
  await dxl.connect({ timeoutMs: 10_000 });
  return { dxl, tie: new TieClient(dxl) };
}
