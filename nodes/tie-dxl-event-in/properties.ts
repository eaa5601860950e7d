/** tie-dxl-event-in's properties: the connection, the topic it subscribes to, the payload's format, a name. */
import { CONNECTION, FORMAT, NAME } from '../kit/common-properties';
import type { Properties, TextProperty } from '../kit/properties';

export const TYPE = 'tie-dxl-event-in';

/** A trailing # takes every topic below it. */
const TOPIC: TextProperty = {
  kind: 'text',
  required: true,
  label: 'tie.label.topic',
  icon: 'fa-tasks',
  placeholder: 'tie.placeholder.eventTopic',
};

export const PROPERTIES = { connection: CONNECTION, topic: TOPIC, format: FORMAT, name: NAME } as const satisfies Properties;
