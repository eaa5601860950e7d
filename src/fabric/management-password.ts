/**
 * The management API's password, made at the fabric's first start and kept in its data directory
 * (readable by its owner only, beside the CA key it guards), so that a tie-config's Provisioning
 * tab, a script or a note keeps working after a restart. A file that is not one this code wrote
 * (another size, other characters) is replaced with a new password.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type FileKind, readFileSafely } from '../dxl/safe-file';
import { randomManagementPassword } from './management-service';

export const MANAGEMENT_PASSWORD_FILE = 'management-password';
const PASSWORD_KIND: FileKind = { maxBytes: 1024, noun: 'management password file' };
/** What randomManagementPassword makes: URL-safe base64 of 18 bytes. */
const PASSWORD_RE = /^[A-Za-z0-9_-]{24}$/;

export function loadOrCreateManagementPassword(dataDir: string): string {
  const file = path.join(dataDir, MANAGEMENT_PASSWORD_FILE);
  try {
    const stored = readFileSafely(file, PASSWORD_KIND).toString('utf8').trim();
    if (PASSWORD_RE.test(stored)) return stored;
  } catch {
    // Absent or unreadable: make a new one.
  }
  const password = randomManagementPassword();
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return password;
}
