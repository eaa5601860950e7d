/** Topics the fabric answers itself, as the OpenDXL broker does. */
export const BrokerTopic = {
  ServicePrefix: '/mcafee/service/dxl/',
  Register: '/mcafee/service/dxl/svcregistry/register',
  Unregister: '/mcafee/service/dxl/svcregistry/unregister',
  ServiceQuery: '/mcafee/service/dxl/svcregistry/query',
  BrokerQuery: '/mcafee/service/dxl/brokerregistry/query',
  RegisterEvent: '/mcafee/event/dxl/svcregistry/register',
  UnregisterEvent: '/mcafee/event/dxl/svcregistry/unregister',
} as const;

export function isBrokerServiceTopic(topic: string): boolean {
  return topic.startsWith(BrokerTopic.ServicePrefix);
}

/**
 * The DXL wildcard ancestors of a topic, most specific first, as the broker walks them
 * to find a service: `/a/b/c` gives `/a/b/#`, `/a/#`, `/#`, `#`. A topic that is
 * itself a wildcard (`/a/b/#`) starts from its parent (`/a/#`).
 */
export function wildcardAncestors(topic: string): string[] {
  const ancestors: string[] = [];
  let base = topic.endsWith('#') ? topic.slice(0, -1) : topic;
  if (base.endsWith('/')) base = base.slice(0, -1);
  while (base.length > 0) {
    const slash = base.lastIndexOf('/');
    if (slash < 0) break;
    base = base.slice(0, slash);
    ancestors.push(`${base}/#`);
  }
  if (topic !== '#') ancestors.push('#');
  return ancestors;
}
