import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { WebSocket } from 'ws';
import { pipeLogsToSocket } from './log-socket.ts';

/** A socket that never drains until told to, standing in for a slow browser. */
class SlowSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  closedWith: number | undefined;
  send(data: string): void {
    this.sent.push(data);
    this.bufferedAmount += data.length;
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
}

const frame = (text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = 1;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

describe('pipeLogsToSocket', () => {
  it('pauses the engine stream while the socket is backed up, resumes when drained, closes 1000 at the end', async () => {
    const socket = new SlowSocket();
    const stream = new PassThrough();
    const done = pipeLogsToSocket(socket as unknown as WebSocket, { stream, tty: false }, { highWaterBytes: 1000, lowWaterBytes: 100 });
    stream.write(frame(`${'x'.repeat(2000)}\n`));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.isPaused()).toBe(true);
    socket.bufferedAmount = 0;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(stream.isPaused()).toBe(false);
    stream.end(frame('tail without newline'));
    await done;
    expect(socket.sent.map((s) => (JSON.parse(s) as { line: string }).line.slice(0, 4))).toEqual(['xxxx', 'tail']);
    expect(socket.closedWith).toBe(1000);
  });

  it('closes with 1011 when the engine stream fails, and stops reading when the client leaves', async () => {
    const failing = new SlowSocket();
    const broken = new PassThrough();
    const failed = pipeLogsToSocket(failing as unknown as WebSocket, { stream: broken, tty: true }, { highWaterBytes: 1000, lowWaterBytes: 100 });
    broken.destroy(new Error('engine went away'));
    await failed;
    expect(failing.closedWith).toBe(1011);

    const leaving = new SlowSocket();
    const stream = new PassThrough();
    const left = pipeLogsToSocket(leaving as unknown as WebSocket, { stream, tty: true }, { highWaterBytes: 1000, lowWaterBytes: 100 });
    leaving.readyState = 3;
    leaving.emit('close');
    await left;
    expect(stream.destroyed).toBe(true);
  });
});
