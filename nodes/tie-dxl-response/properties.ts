/** tie-dxl-response's properties: how to answer, an error's code and message, a name (no connection: the msg says which request it answers). */
import { NAME } from '../kit/common-properties';
import { type Properties, choice, typedFrom } from '../kit/properties';
import { DEFAULT_ERROR_RESPONSE_CODE } from '../kit/settings';

export const TYPE = 'tie-dxl-response';

/** The error rows show only for an error response. */
const ERROR_ROWS = 'tie-dxl-error-rows';

const RESPOND = choice(['payload', 'error'] as const, 'payload', { label: 'tie.label.respond', icon: 'fa-reply', options: 'tie.respond' });
const ERROR_CODE = typedFrom(
  'number',
  { value: String(DEFAULT_ERROR_RESPONSE_CODE), type: 'num' },
  { label: 'tie.label.errorCode', icon: 'fa-hashtag', rowClass: ERROR_ROWS },
);
const ERROR_MESSAGE = typedFrom(
  'text',
  { value: 'payload', type: 'msg' },
  { label: 'tie.label.errorMessage', icon: 'fa-comment', rowClass: ERROR_ROWS },
);

export const PROPERTIES = {
  respond: RESPOND,
  errorCode: ERROR_CODE,
  errorMessage: ERROR_MESSAGE,
  name: NAME,
} as const satisfies Properties;
