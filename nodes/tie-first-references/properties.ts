/** tie-first-references' properties: a request node's, and how many systems to list. */
import { BATCH_ERRORS, CONCURRENCY, CONNECTION, INPUT, NAME, SUBJECT, itemSetting } from '../kit/common-properties';
import type { Properties } from '../kit/properties';

export const TYPE = 'tie-first-references';

export const PROPERTIES = {
  connection: CONNECTION,
  subject: SUBJECT,
  input: INPUT,
  queryLimit: itemSetting(`${TYPE}.label.queryLimit`, 'fa-filter', 'number'),
  concurrency: CONCURRENCY,
  batchErrors: BATCH_ERRORS,
  name: NAME,
} as const satisfies Properties;
