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
