/**
 * The ePO permission groups that decide who may send on TIE's write topics, on ePO-managed
 * fabrics (DXL Topic Authorization). The OpenDXL broker drops a publish it does not authorize
 * without a word: a client outside the group sees its request time out.
 */
import { TieTopic } from './topics';

export const TIE_AUTHORIZATION_GROUPS: Readonly<Record<string, string>> = {
  [TieTopic.SET_FILE_REPUTATION]: 'TIE Server Set Enterprise Reputation',
  [TieTopic.SET_CERT_REPUTATION]: 'TIE Server Set Enterprise Reputation',
  [TieTopic.EXTERNAL_FILE_REPORT_EVENT]: 'TIE Server Set External Reputation',
};

/** The ePO group that controls sending on a TIE topic, if it is one of the restricted ones. */
export function tieAuthorizationGroup(topic: string): string | undefined {
  return Object.hasOwn(TIE_AUTHORIZATION_GROUPS, topic) ? TIE_AUTHORIZATION_GROUPS[topic] : undefined;
}
