/**
 * The engine's multiplexed log stream (non-TTY containers): frames of an 8-byte header
 * [stream, 0, 0, 0, size(4, big-endian)] then `size` bytes. Chunks may split frames anywhere.
 */
export type LogStreamType = 'stdout' | 'stderr';

export interface LogFrame {
  readonly stream: LogStreamType;
  readonly payload: Buffer;
}

const HEADER = 8;

export class LogDemuxer {
  #pending: Buffer = Buffer.alloc(0);

  /** Frames completed by this chunk; a partial frame waits for the next chunk. */
  push(chunk: Buffer): LogFrame[] {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    const frames: LogFrame[] = [];
    let offset = 0;
    while (this.#pending.length - offset >= HEADER) {
      const size = this.#pending.readUInt32BE(offset + 4);
      if (this.#pending.length - offset - HEADER < size) break;
      const kind = this.#pending[offset];
      const payload = this.#pending.subarray(offset + HEADER, offset + HEADER + size);
      // 0 (stdin) never appears in logs; anything but 2 is treated as stdout.
      frames.push({ stream: kind === 2 ? 'stderr' : 'stdout', payload });
      offset += HEADER + size;
    }
    this.#pending = offset === this.#pending.length ? Buffer.alloc(0) : this.#pending.subarray(offset);
    return frames;
  }

  /** Bytes of an unfinished frame (for bounding memory). */
  get pendingBytes(): number {
    return this.#pending.length;
  }
}

/** Demultiplexes a whole buffer (REST download). TTY output is not multiplexed: all stdout. */
export function demuxAll(buffer: Buffer, tty: boolean): LogFrame[] {
  if (tty) return [{ stream: 'stdout', payload: buffer }];
  return new LogDemuxer().push(buffer);
}
