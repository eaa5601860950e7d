/** A bare MQTT client over mutual TLS: for putting bytes on the wire that no DXL client would send. */
import mqtt, { type MqttClient } from 'mqtt';

export interface RawPublisher {
  publish(topic: string, payload: Buffer): Promise<void>;
  close(): Promise<void>;
}

export async function rawPublisher(
  broker: { host: string; port: number },
  pem: { ca: string; cert: string; key: string },
): Promise<RawPublisher> {
  // Chain verified; host name not (the test brokers' certificates need not name 127.0.0.1).
  const tls = { ca: pem.ca, cert: pem.cert, key: pem.key, rejectUnauthorized: true, checkServerIdentity: (): undefined => undefined };
  const client: MqttClient = await mqtt.connectAsync({
    protocol: 'mqtts',
    host: broker.host,
    port: broker.port,
    ...tls,
    reconnectPeriod: 0,
    clean: true,
  });
  return {
    publish: async (topic, payload) => {
      await client.publishAsync(topic, payload, { qos: 0 });
    },
    close: () => client.endAsync(),
  };
}
