/** tie-reputation-change's properties: the connection, which subjects, which changes, a name. */
import { CONNECTION, NAME, REPUTATION_CHANGE_FILTERS, type ReputationChangeFilter } from '../kit/common-properties';
import { type Properties, choice } from '../kit/properties';

export const TYPE = 'tie-reputation-change';

const SUBJECTS = ['file', 'certificate', 'both'] as const;

const SUBJECT = choice(SUBJECTS, 'file', { label: `${TYPE}.label.subject`, icon: 'fa-file-o', options: `${TYPE}.subject` });
const FILTER = choice<ReputationChangeFilter>(REPUTATION_CHANGE_FILTERS, 'all', {
  label: `${TYPE}.label.filter`,
  icon: 'fa-filter',
  options: `${TYPE}.filterOption`,
});

export const PROPERTIES = { connection: CONNECTION, subject: SUBJECT, filter: FILTER, name: NAME } as const satisfies Properties;
