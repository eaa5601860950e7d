/** DXL ids: the one form of a client, message or service id. */
import { randomUUID } from 'node:crypto';

/** A braces-wrapped lowercase UUID, the form DXL clients use for client, message and service ids. */
export function newDxlId(): string {
  return `{${randomUUID()}}`;
}
