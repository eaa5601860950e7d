/** tie-dxl-request's properties: the connection, the topic (or msg.topic), what to send, the answer's format, the timeout, a name. */
import { CONNECTION, FORMAT, NAME, TOPIC_OR_MSG } from '../kit/common-properties';
import type { NumberProperty, Properties, TypedProperty } from '../kit/properties';
import { SETTINGS } from '../kit/settings';

export const TYPE = 'tie-dxl-request';

const PAYLOAD: TypedProperty = { kind: 'typed', types: 'payload', label: 'tie.label.payload', icon: 'fa-envelope' };

/** Blank: the tie-config's request timeout (the editor's placeholder says so). */
const TIMEOUT: NumberProperty = {
  kind: 'number',
  setting: SETTINGS.dxlRequestTimeout,
  textBox: true,
  label: 'tie.label.timeout',
  icon: 'fa-clock-o',
  unit: 'tie.unit.seconds',
};

export const PROPERTIES = {
  connection: CONNECTION,
  topic: TOPIC_OR_MSG,
  payload: PAYLOAD,
  format: FORMAT,
  timeout: TIMEOUT,
  name: NAME,
} as const satisfies Properties;
