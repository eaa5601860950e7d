/** tie-set-external-reputation's properties: a request node's for files, the level and what the report says, the check, the write guard. */
import { BATCH_ERRORS, CONCURRENCY, CONNECTION, INPUT, NAME, WRITE_GUARD, itemSetting } from '../kit/common-properties';
import type { FlagProperty, Properties } from '../kit/properties';

export const TYPE = 'tie-set-external-reputation';

/** Check the file's reputations first and skip when another provider is definitive. */
const CHECK_FIRST: FlagProperty = { kind: 'flag', initial: true, absent: true, label: `${TYPE}.label.checkFirst` };

export const PROPERTIES = {
  connection: CONNECTION,
  input: INPUT,
  trustLevel: itemSetting('tie.label.trustLevel', 'fa-shield', 'trustLevel'),
  fileType: itemSetting(`${TYPE}.label.fileType`, 'fa-file-o', 'fileType'),
  filename: itemSetting('tie.label.filename', 'fa-file-text-o', 'text'),
  comment: itemSetting('tie.label.comment', 'fa-comment-o', 'text'),
  checkFirst: CHECK_FIRST,
  ...WRITE_GUARD,
  concurrency: CONCURRENCY,
  batchErrors: BATCH_ERRORS,
  name: NAME,
} as const satisfies Properties;

/** The tip under the form's rows: what a write does. */
export const FORM_TIP = `${TYPE}.tip`;
