/** tie-get-reputation's properties: a request node's, nothing of its own. */
import { BATCH_ERRORS, CONCURRENCY, CONNECTION, INPUT, NAME, SUBJECT } from '../kit/common-properties';
import type { Properties } from '../kit/properties';

export const TYPE = 'tie-get-reputation';

export const PROPERTIES = {
  connection: CONNECTION,
  subject: SUBJECT,
  input: INPUT,
  concurrency: CONCURRENCY,
  batchErrors: BATCH_ERRORS,
  name: NAME,
} as const satisfies Properties;
