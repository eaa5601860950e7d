/** tie-dxl-response's properties: how to answer, an error's code and message, a name (no connection: the msg says which request it answers). */
import { NAME } from '../kit/common-properties';
import type { ChoiceProperty, Properties, TypedProperty } from '../kit/properties';
import { DEFAULT_ERROR_RESPONSE_CODE } from '../kit/settings';

export const TYPE = 'tie-dxl-response';

/** The error rows show only for an error response. */
const ERROR_ROWS = 'tie-dxl-error-rows';

const RESPOND: ChoiceProperty<'payload' | 'error'> = {
  kind: 'choice',
  values: ['payload', 'error'],
  initial: 'payload',
  label: 'tie.label.respond',
  icon: 'fa-reply',
  options: 'tie.respond',
};
const ERROR_CODE: TypedProperty = {
  kind: 'typed',
  initial: { value: String(DEFAULT_ERROR_RESPONSE_CODE), type: 'num' },
  absent: { value: String(DEFAULT_ERROR_RESPONSE_CODE), type: 'num' },
  types: 'number',
  label: 'tie.label.errorCode',
  icon: 'fa-hashtag',
  rowClass: ERROR_ROWS,
};
const ERROR_MESSAGE: TypedProperty = {
  kind: 'typed',
  initial: { value: 'payload', type: 'msg' },
  absent: { value: 'payload', type: 'msg' },
  types: 'text',
  label: 'tie.label.errorMessage',
  icon: 'fa-comment',
  rowClass: ERROR_ROWS,
};

export const PROPERTIES = {
  respond: RESPOND,
  errorCode: ERROR_CODE,
  errorMessage: ERROR_MESSAGE,
  name: NAME,
} as const satisfies Properties;
