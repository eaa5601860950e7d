/** DXL topics of the TIE service (requests) and of the events it publishes or consumes. */
export const TieTopic = {
  GET_FILE_REPUTATION: '/mcafee/service/tie/file/reputation',
  SET_FILE_REPUTATION: '/mcafee/service/tie/file/reputation/set',
  GET_CERT_REPUTATION: '/mcafee/service/tie/cert/reputation',
  SET_CERT_REPUTATION: '/mcafee/service/tie/cert/reputation/set',
  GET_FILE_FIRST_REFERENCES: '/mcafee/service/tie/file/agents',
  GET_CERT_FIRST_REFERENCES: '/mcafee/service/tie/cert/agents',
  FILE_REPUTATION_CHANGE_EVENT: '/mcafee/event/tie/file/repchange/broadcast',
  CERT_REPUTATION_CHANGE_EVENT: '/mcafee/event/tie/cert/repchange/broadcast',
  FILE_DETECTION_EVENT: '/mcafee/event/tie/file/detection',
  FILE_FIRST_INSTANCE_EVENT: '/mcafee/event/tie/file/firstinstance',
  /** Declared by the Python client; TIE publishes nothing documented on it. */
  FILE_PREVALENCE_EVENT: '/mcafee/event/tie/file/prevalence',
  /** Sent by clients (an Event, not a Request) to set the External provider's trust level. */
  EXTERNAL_FILE_REPORT_EVENT: '/mcafee/event/external/file/report',
} as const;
export type TieTopicValue = (typeof TieTopic)[keyof typeof TieTopic];

/** The query limit both official clients use when the caller gives none. */
export const DEFAULT_FIRST_REFERENCES_LIMIT = 500;

/** `scanType` the Python client adds to file reputation requests: "On Demand Scan", not an endpoint. */
export const ON_DEMAND_SCAN_TYPE = 3;
