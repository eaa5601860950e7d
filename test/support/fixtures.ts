import fs from 'node:fs';
import path from 'node:path';

/** test/fixtures/ in the checkout (from dist/test/support). See test/fixtures/README.md for where each came from. */
export const FIXTURES_DIR = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures');

export function readFixture<T>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, name), 'utf8')) as T;
}
