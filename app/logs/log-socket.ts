import type { Readable } from 'node:stream';
import type { WebSocket } from 'ws';
import { LogDemuxer } from './demux.ts';
import { LineSplitter, type LogLine } from './lines.ts';

/** WebSocket close codes of the log stream (seed 003). */
export const CLOSE_NORMAL = 1000;
export const CLOSE_ERROR = 1011;
export const CLOSE_NOT_RUNNING = 4001;
export const CLOSE_NOT_FOUND = 4004;

export interface PipeOptions {
  /** Pause the engine stream when this many bytes wait in the socket. */
  readonly highWaterBytes: number;
  /** Resume once the socket drained below this. */
  readonly lowWaterBytes: number;
}

/**
 * Sends the engine's log stream over the socket as `{type, ts, line}` frames. Memory stays
 * bounded: the engine stream is paused while the socket holds more than highWaterBytes.
 * Closes with 1000 when the stream ends (e.g. the container stopped), 1011 on a stream error.
 */
export function pipeLogsToSocket(ws: WebSocket, source: { stream: Readable; tty: boolean }, options: PipeOptions): Promise<void> {
  const { stream, tty } = source;
  const demuxer = tty ? null : new LogDemuxer();
  const splitter = new LineSplitter();
  let paused = false;
  let drainTimer: NodeJS.Timeout | null = null;

  const send = (lines: LogLine[]) => {
    for (const line of lines) {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(JSON.stringify(line));
    }
    if (!paused && ws.bufferedAmount > options.highWaterBytes) {
      paused = true;
      stream.pause();
      waitForDrain();
    }
  };

  // ws has no drain event: poll the buffered amount while paused (only then).
  const waitForDrain = () => {
    drainTimer = setTimeout(() => {
      drainTimer = null;
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount <= options.lowWaterBytes) {
        paused = false;
        stream.resume();
      } else {
        waitForDrain();
      }
    }, 20);
  };

  return new Promise((resolve) => {
    let finished = false;
    const finish = (code: number, reason: string) => {
      if (finished) return;
      finished = true;
      if (drainTimer) clearTimeout(drainTimer);
      stream.destroy();
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
      resolve();
    };
    stream.on('data', (chunk: Buffer) => {
      const frames = demuxer ? demuxer.push(chunk) : [{ stream: 'stdout' as const, payload: chunk }];
      for (const frame of frames) send(splitter.push(frame));
    });
    stream.on('end', () => {
      send(splitter.flush());
      finish(CLOSE_NORMAL, 'end of log stream');
    });
    stream.on('error', () => finish(CLOSE_ERROR, 'log stream error'));
    ws.on('close', () => finish(CLOSE_NORMAL, 'client closed'));
    ws.on('error', () => finish(CLOSE_ERROR, 'socket error'));
  });
}
