/** tie-dxl-service's properties: the connection, the service type, its request topics, the payload's format, the flow's time to answer, a name. */
import { CONNECTION, FORMAT, NAME } from '../kit/common-properties';
import type { NumberProperty, Properties, TextProperty } from '../kit/properties';
import { DEFAULT_SERVICE_MAX_PENDING, SETTINGS } from '../kit/settings';

export const TYPE = 'tie-dxl-service';

/** The service type of a node whose setting is empty. */
export const DEFAULT_SERVICE_TYPE = 'node-red';

const SERVICE_TYPE: TextProperty = {
  kind: 'text',
  label: 'tie.label.serviceType',
  icon: 'fa-cube',
  placeholder: 'tie.placeholder.serviceType',
};
/** Separated by commas or new lines; a trailing # takes every topic below. */
const TOPICS: TextProperty = {
  kind: 'text',
  required: true,
  label: 'tie.label.topics',
  icon: 'fa-tasks',
  placeholder: 'tie.placeholder.serviceTopics',
};
const TIMEOUT: NumberProperty = {
  kind: 'number',
  setting: SETTINGS.serviceTimeout,
  textBox: true,
  label: 'tie.label.timeout',
  icon: 'fa-clock-o',
  unit: 'tie.unit.seconds',
};

/** Requests waiting for the flow's answer at most; beyond, a request is refused as overloaded. */
const MAX_PENDING: NumberProperty = {
  kind: 'number',
  setting: { kind: { whole: true, min: 1, max: 100_000 }, blank: DEFAULT_SERVICE_MAX_PENDING, message: `${TYPE}.error.maxPending` },
  label: `${TYPE}.label.maxPending`,
  icon: 'fa-inbox',
  unit: `${TYPE}.unit.requests`,
};

export const PROPERTIES = {
  connection: CONNECTION,
  serviceType: SERVICE_TYPE,
  topics: TOPICS,
  format: FORMAT,
  timeout: TIMEOUT,
  maxPending: MAX_PENDING,
  name: NAME,
} as const satisfies Properties;
