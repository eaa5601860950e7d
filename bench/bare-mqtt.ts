import fs from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import type { BrokerTarget } from './workload';

/** A plain mqtt.js client with the broker's TLS material: chain verified, host name not (as DXL clients do). */
export function connectBare(broker: BrokerTarget, clientId: string): MqttClient {
  return mqtt.connect({
    protocol: 'mqtts',
    host: broker.host,
    port: broker.port,
    ca: fs.readFileSync(broker.ca),
    cert: fs.readFileSync(broker.cert),
    key: fs.readFileSync(broker.key),
    // mqtt passes these through to tls.connect; its option types omit checkServerIdentity.
    ...{ rejectUnauthorized: true, checkServerIdentity: () => undefined },
    clientId,
    clean: true,
    reconnectPeriod: 0,
  });
}
