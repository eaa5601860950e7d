import { MessageType, emptyMessage } from '../src/dxl/message';
import { encodeMessage } from '../src/dxl/envelope';
import { newDxlId } from '../src/dxl/ids';
import { connectBare } from './bare-mqtt';
import { type BrokerTarget, REPUTATION_CHANGE_EVENT, REPUTATION_CHANGE_TOPIC } from './workload';

/* Publishes `count` reputation-change events as fast as the socket takes them, then exits. */

const { broker, count } = JSON.parse(process.argv[2]) as { broker: BrokerTarget; count: number };
const client = connectBare(broker, newDxlId());
const event = emptyMessage(MessageType.Event, REPUTATION_CHANGE_TOPIC);
event.payload = Buffer.from(REPUTATION_CHANGE_EVENT);

async function publishAll(): Promise<void> {
  for (let sent = 0; sent < count; sent++) {
    event.messageId = newDxlId();
    client.publish(REPUTATION_CHANGE_TOPIC, encodeMessage(event), { qos: 0 });
    if (sent % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
  }
  client.end(false, {}, () => process.exit(0));
}

client.on('connect', () => {
  void publishAll();
});
