/** tie-set-reputation's properties: a request node's, the level and its file name and comment, the write guard. */
import { BATCH_ERRORS, CONCURRENCY, CONNECTION, INPUT, NAME, SUBJECT, WRITE_GUARD, itemSetting } from '../kit/common-properties';
import type { Properties } from '../kit/properties';

export const TYPE = 'tie-set-reputation';

export const PROPERTIES = {
  connection: CONNECTION,
  subject: SUBJECT,
  input: INPUT,
  trustLevel: itemSetting('tie.label.trustLevel', 'fa-shield', 'trustLevelOrNotSet'),
  // Certificates have no file name: the editor hides the row for them.
  filename: itemSetting('tie.label.filename', 'fa-file-text-o', 'text', 'tie-set-filename-row'),
  comment: itemSetting('tie.label.comment', 'fa-comment-o', 'text'),
  ...WRITE_GUARD,
  concurrency: CONCURRENCY,
  batchErrors: BATCH_ERRORS,
  name: NAME,
} as const satisfies Properties;

/** The tip under the form's rows: what a write does. */
export const FORM_TIP = `${TYPE}.tip`;
