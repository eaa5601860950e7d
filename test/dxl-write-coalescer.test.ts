import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { WriteCoalescer } from '../src/dxl/write-coalescer';

/** A socket stand-in that records each write it gets and can ask for backpressure. */
class RecordingSocket extends Duplex {
  readonly writes: Buffer[] = [];
  full = false;
  override _read(): void {}
  override write(chunk: Buffer): boolean {
    this.writes.push(Buffer.from(chunk));
    return !this.full;
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('WriteCoalescer', () => {
  it('sends what is written in one turn of the event loop as one write, in order', async () => {
    const socket = new RecordingSocket();
    const stream = new WriteCoalescer(socket);
    stream.write(Buffer.from('a'));
    stream.cork();
    stream.write(Buffer.from('bc'));
    stream.write(Buffer.from('d'));
    process.nextTick(() => stream.uncork());
    await turn();
    await turn();
    assert.deepEqual(socket.writes.map(String), ['abcd']);
    stream.write(Buffer.from('e'));
    await turn();
    assert.deepEqual(socket.writes.map(String), ['abcd', 'e']);
  });

  it('passes reads through and ends the socket after the last write', async () => {
    const socket = new RecordingSocket();
    let ended = false;
    socket.end = ((callback?: () => void) => {
      ended = true;
      callback?.();
      return socket;
    }) as typeof socket.end;
    const stream = new WriteCoalescer(socket);
    const read: string[] = [];
    stream.on('data', (chunk: Buffer) => read.push(chunk.toString()));
    socket.push(Buffer.from('in'));
    stream.write(Buffer.from('last'));
    await new Promise<void>((resolve) => stream.end(resolve));
    assert.deepEqual(read, ['in']);
    assert.deepEqual(socket.writes.map(String), ['last']);
    assert.equal(ended, true);
  });

  it('holds write callbacks while the socket asks to wait, and releases them on drain', async () => {
    const socket = new RecordingSocket();
    socket.full = true;
    const stream = new WriteCoalescer(socket);
    stream.write(Buffer.from('x'));
    await turn();
    let called = false;
    stream.write(Buffer.from('y'), () => (called = true));
    await turn();
    assert.equal(called, false);
    socket.full = false;
    socket.emit('drain');
    await turn();
    assert.equal(called, true);
  });

  it('closes when the socket closes, with its error', async () => {
    const socket = new RecordingSocket();
    const stream = new WriteCoalescer(socket);
    const failure = new Promise<Error>((resolve) => stream.once('error', resolve));
    const closed = new Promise<void>((resolve) => stream.once('close', resolve));
    socket.destroy(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    assert.equal(((await failure) as Error & { code?: string }).code, 'ECONNRESET');
    await closed;
  });
});
