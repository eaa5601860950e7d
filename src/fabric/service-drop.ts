import { type DxlMessage, encodeMessage } from '../dxl/message';
import type { ServiceRegistry } from './service-registry';

/**
 * The broker dropping a live registration on its own, as the OpenDXL broker does when it answers
 * "unable to locate service" for a request routed to an instance that has since reconnected
 * (spec §6 step 7 and "For service registry cleanup": it removes the service by id, whatever the
 * instance, and announces it). The router does this for a routed request that reaches nobody;
 * this is the same drop on demand, for tests of what a provider does about it.
 */
export interface ServiceDropper {
  /** Removes the service and publishes the unregister event naming it; false when it was not registered. */
  dropService(serviceGuid: string): boolean;
}

export function serviceDropper(
  registry: ServiceRegistry,
  unregisteredEvent: (serviceGuid: string) => DxlMessage,
  publish: (topic: string, payload: Buffer) => void,
): ServiceDropper {
  return {
    dropService(serviceGuid) {
      if (registry.remove(serviceGuid) === undefined) return false;
      const event = unregisteredEvent(serviceGuid);
      publish(event.destinationTopic, encodeMessage(event));
      return true;
    },
  };
}
