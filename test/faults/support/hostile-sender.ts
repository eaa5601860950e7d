/**
 * A sender of DXL events in a process of its own, so that a test measuring its own memory counts
 * only what it receives: `sendFromChild` runs this file with the events to send, each a payload
 * of `bytes` bytes of "a" or a text, published in order on one bare MQTT connection.
 */
import { fork } from 'node:child_process';
import { MessageType, emptyMessage, encodeMessage } from '../../../src/dxl/message';
import { rawPublisher } from './raw-mqtt';

export type Outgoing = { topic: string; bytes: number } | { topic: string; text: string };

interface Job {
  broker: { host: string; port: number };
  pem: { ca: string; cert: string; key: string };
  events: Outgoing[];
}

function eventBytes(topic: string, payload: Buffer, index: number): Buffer {
  const event = emptyMessage(MessageType.Event, topic);
  event.messageId = `{hostile-sender-${index}}`;
  event.payload = payload;
  return encodeMessage(event);
}

/** Publishes `events` from a child process; resolves once it has sent them all and exited. */
export function sendFromChild(job: Job): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the sender exited with ${code}: ${stderr.trim()}`))));
    child.send(job);
  });
}

async function run(job: Job): Promise<void> {
  const raw = await rawPublisher(job.broker, job.pem);
  let index = 0;
  for (const event of job.events) {
    const payload = 'bytes' in event ? Buffer.alloc(event.bytes, 0x61) : Buffer.from(event.text);
    await raw.publish(event.topic, eventBytes(event.topic, payload, index++));
  }
  await raw.close();
}

if (require.main === module) {
  process.once('message', (job: Job) => {
    run(job).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exit(1);
      },
    );
  });
}
