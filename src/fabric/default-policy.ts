import type { TopicPolicy } from './topic-policy';

/** Every TIE request topic (the six of src/tie/topics.ts, and any other under them). */
export const TIE_REQUEST_TOPICS = '/mcafee/service/tie/#';
/** Every event TIE publishes (reputation changes, detections, first instances, prevalence). */
export const TIE_EVENT_TOPICS = '/mcafee/event/tie/#';
/** ePO's threat events, which a server publishes as TIE publishes its own. */
export const EPO_THREAT_EVENT_TOPIC = '/mcafee/event/epo/threat/response';

/**
 * The fabric's policy when it runs the TIE simulator: only the simulator's certificate may
 * receive TIE requests (so only it can serve them, and registering a TIE service is refused to
 * anyone else) and publish the servers' events. Everyone may still send TIE requests, report to
 * the External provider (`/mcafee/event/external/file/report`, outside these topics) and
 * receive the events.
 */
export function tieSimulatorPolicy(simulatorThumbprint: string): TopicPolicy {
  const simulator = [simulatorThumbprint];
  return {
    send: [
      { topic: TIE_EVENT_TOPICS, clients: simulator },
      { topic: EPO_THREAT_EVENT_TOPIC, clients: simulator },
    ],
    receive: [{ topic: TIE_REQUEST_TOPICS, clients: simulator }],
  };
}
