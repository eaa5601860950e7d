import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const BROKER_FILE = 'broker.json';

/**
 * The fabric's broker GUID (`sourceBrokerId`, `brokerIds`), kept in the data
 * directory so that it stays the same across restarts, as a real broker's does.
 */
export function loadOrCreateBrokerId(dataDir: string): string {
  const file = path.join(dataDir, BROKER_FILE);
  try {
    const stored: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof stored === 'object' && stored !== null && 'brokerId' in stored && typeof stored.brokerId === 'string' && stored.brokerId) {
      return stored.brokerId;
    }
  } catch {
    // Absent or unreadable: make a new one.
  }
  const brokerId = `{${randomUUID()}}`;
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ brokerId }, null, 2)}\n`);
  return brokerId;
}
