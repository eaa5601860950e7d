import { MessageType, emptyMessage } from '../src/dxl/message';
import { decodeMessage, encodeMessage } from '../src/dxl/envelope';
import { newDxlId } from '../src/dxl/ids';
import { connectBare } from './bare-mqtt';
import { REPUTATION_RESPONSE, REPUTATION_TOPIC, type BrokerTarget } from './workload';

/*
 * The one service every contender talks to: bare mqtt with the DXL codec, so that
 * it costs as little as possible and never limits a contender. On the fabric it
 * registers itself like any DXL service; on plain Mosquitto it only subscribes.
 */

const broker = JSON.parse(process.argv[2]) as BrokerTarget & { register: boolean };
const clientId = newDxlId();
const replyTopic = `/mcafee/client/${clientId}`;
const responsePayload = Buffer.from(REPUTATION_RESPONSE);

const client = connectBare(broker, clientId);

client.on('message', (topic, payload) => {
  const request = decodeMessage(payload, topic);
  if (request.messageType === MessageType.Response && topic === replyTopic) {
    process.stdout.write('READY\n');
    return;
  }
  if (request.messageType !== MessageType.Request) return;
  const response = emptyMessage(MessageType.Response, request.replyToTopic);
  response.messageId = newDxlId();
  response.requestMessageId = request.messageId;
  response.serviceId = request.serviceId;
  if (request.sourceClientId) response.clientIds = [request.sourceClientId];
  if (request.sourceBrokerId) response.brokerIds = [request.sourceBrokerId];
  response.payload = responsePayload;
  client.publish(request.replyToTopic, encodeMessage(response), { qos: 0 });
});

client.on('error', (error) => {
  process.stderr.write(`responder: ${error.message}\n`);
  process.exit(1);
});

client.on('connect', () => {
  client.subscribe([REPUTATION_TOPIC, replyTopic], { qos: 0 }, () => {
    if (!broker.register) {
      process.stdout.write('READY\n');
      return;
    }
    const register = emptyMessage(MessageType.Request, '/mcafee/service/dxl/svcregistry/register');
    register.messageId = newDxlId();
    register.replyToTopic = replyTopic;
    register.payload = Buffer.from(
      JSON.stringify({
        serviceType: '/bench/tie',
        metaData: {},
        requestChannels: [REPUTATION_TOPIC],
        ttlMins: 60,
        serviceGuid: newDxlId(),
      }),
    );
    client.publish(register.destinationTopic, encodeMessage(register), { qos: 0 });
  });
});

process.on('SIGTERM', () => client.end(true, {}, () => process.exit(0)));
