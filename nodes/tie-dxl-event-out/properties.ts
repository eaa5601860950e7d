/** tie-dxl-event-out's properties: the connection, the topic (or msg.topic), a name. */
import { CONNECTION, NAME, TOPIC_OR_MSG } from '../kit/common-properties';
import type { Properties } from '../kit/properties';

export const TYPE = 'tie-dxl-event-out';

export const PROPERTIES = { connection: CONNECTION, topic: TOPIC_OR_MSG, name: NAME } as const satisfies Properties;
