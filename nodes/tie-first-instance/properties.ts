/** tie-first-instance's properties: the connection and a name. */
import { CONNECTION, NAME } from '../kit/common-properties';
import type { Properties } from '../kit/properties';

export const TYPE = 'tie-first-instance';

export const PROPERTIES = { connection: CONNECTION, name: NAME } as const satisfies Properties;
