/**
 * Probes of TIE topics for the tie-config's "Test connection": whether a request on a topic is
 * answered, without changing any reputation. A lookup asks for a hash nobody has; a write topic
 * gets a request TIE refuses as invalid (no hashes): any answer, even that refusal, shows the
 * topic is open to this client. Silence while the registry lists a service for the topic is what
 * the broker's topic authorization looks like (it drops the request without a word). An event
 * topic (the External report) is probed by sending an invalid report to ourselves: it comes back
 * when this client may send (and receive) on it.
 */
import type { DxlMessaging } from '../../src/dxl/api';
import { DxlError, DxlErrorCode } from '../../src/dxl/errors';
import { type ServiceEntry, servicesForTopic } from '../../src/dxl/registry';
import { tieAuthorizationGroup } from '../../src/tie/authorization';
import { TieTopic } from '../../src/tie/topics';

export type ProbeVerdict = 'answered' | 'notAuthorized' | 'noService' | 'noAnswer' | 'serviceRefused' | 'delivered' | 'notDelivered';

export interface TopicProbe {
  topic: string;
  kind: 'request' | 'event';
  verdict: ProbeVerdict;
  /** The ePO group that controls sending on the topic, when it is a restricted one. */
  group?: string;
  /** Our error code, when the probe failed otherwise. */
  code?: string;
}

/** 16 and 20 zero bytes, base64: hashes no file or certificate has. */
const ZERO_MD5 = Buffer.alloc(16).toString('base64');
const ZERO_SHA1 = Buffer.alloc(20).toString('base64');

/** The probe request of each TIE request topic: reads for a hash nobody has, writes TIE refuses. */
const REQUEST_PROBES: Readonly<Record<string, string>> = {
  [TieTopic.GET_FILE_REPUTATION]: JSON.stringify({ hashes: [{ type: 'md5', value: ZERO_MD5 }] }),
  [TieTopic.GET_CERT_REPUTATION]: JSON.stringify({ hashes: [{ type: 'sha1', value: ZERO_SHA1 }] }),
  [TieTopic.GET_FILE_FIRST_REFERENCES]: JSON.stringify({ hashes: [{ type: 'md5', value: ZERO_MD5 }], queryLimit: 1 }),
  [TieTopic.GET_CERT_FIRST_REFERENCES]: JSON.stringify({ hashes: [{ type: 'sha1', value: ZERO_SHA1 }], queryLimit: 1 }),
  // No hashes: refused as invalid by TIE (and the simulator) before anything is set.
  [TieTopic.SET_FILE_REPUTATION]: JSON.stringify({ hashes: [], trustLevel: 0 }),
  [TieTopic.SET_CERT_REPUTATION]: JSON.stringify({ hashes: [], trustLevel: 0 }),
};

/** An External report without a file: TIE ignores it. */
const EVENT_PROBES: Readonly<Record<string, string>> = {
  [TieTopic.EXTERNAL_FILE_REPORT_EVENT]: JSON.stringify({ probe: 'node-red-contrib-tie connection test' }),
};

export function probePayload(topic: string): string | undefined {
  return Object.hasOwn(REQUEST_PROBES, topic) ? REQUEST_PROBES[topic] : undefined;
}

export function isProbedTopic(topic: string): boolean {
  return Object.hasOwn(REQUEST_PROBES, topic) || Object.hasOwn(EVENT_PROBES, topic);
}

function withGroup(probe: TopicProbe): TopicProbe {
  const group = tieAuthorizationGroup(probe.topic);
  return group === undefined ? probe : { ...probe, group };
}

/** Probes one request topic: `services` is the registry as read (undefined when it could not be). */
export async function probeRequestTopic(
  dxl: DxlMessaging,
  topic: string,
  services: readonly ServiceEntry[] | undefined,
  timeoutMs: number,
): Promise<TopicProbe> {
  const payload = probePayload(topic) ?? '{}';
  const serving = services === undefined ? undefined : servicesForTopic(services, topic);
  const probe = (verdict: ProbeVerdict, code?: string): TopicProbe =>
    withGroup({ topic, kind: 'request', verdict, ...(code === undefined ? {} : { code }) });
  if (serving !== undefined && serving.length > 0 && serving.every((service) => service.unauthorizedChannels.includes(topic))) {
    return probe('serviceRefused');
  }
  try {
    await dxl.request(topic, payload, { timeoutMs });
    return probe('answered');
  } catch (error) {
    const code = error instanceof DxlError ? error.code : 'UNKNOWN';
    if (code === DxlErrorCode.ServiceUnavailable) return probe('noService');
    if (code === DxlErrorCode.ErrorResponse) return probe('answered');
    if (code === DxlErrorCode.Timeout) return probe(serving !== undefined && serving.length > 0 ? 'notAuthorized' : 'noAnswer');
    return probe('noAnswer', code);
  }
}

/** Probes an event topic by sending an event TIE ignores to a subscription of our own. */
export async function probeEventTopic(dxl: DxlMessaging, topic: string, timeoutMs: number): Promise<TopicProbe> {
  const payload = EVENT_PROBES[topic] ?? '{}';
  let received: () => void = () => undefined;
  const arrived = new Promise<boolean>((resolve) => {
    received = () => resolve(true);
    setTimeout(() => resolve(false), timeoutMs).unref();
  });
  const unsubscribe = await dxl.subscribe(topic, (message) => {
    if (message.payload.toString('utf8') === payload) received();
  });
  try {
    await dxl.sendEvent(topic, payload);
    const back = await arrived;
    return withGroup({ topic, kind: 'event', verdict: back ? 'delivered' : 'notDelivered' });
  } catch (error) {
    return withGroup({ topic, kind: 'event', verdict: 'notDelivered', code: error instanceof DxlError ? error.code : 'UNKNOWN' });
  } finally {
    await unsubscribe().catch(() => undefined);
  }
}

/** Probes a TIE topic, by its kind. */
export function probeTopic(
  dxl: DxlMessaging,
  topic: string,
  services: readonly ServiceEntry[] | undefined,
  timeoutMs: number,
): Promise<TopicProbe> {
  return Object.hasOwn(EVENT_PROBES, topic) ? probeEventTopic(dxl, topic, timeoutMs) : probeRequestTopic(dxl, topic, services, timeoutMs);
}
