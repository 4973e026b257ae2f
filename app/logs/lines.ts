import { StringDecoder } from 'node:string_decoder';
import type { LogFrame, LogStreamType } from './demux.ts';

/** One log line as sent over the WebSocket (seed 003): `{type, ts, line}`. */
export interface LogLine {
  readonly type: LogStreamType;
  readonly ts: string;
  readonly line: string;
}

/** A line longer than this is cut, so one endless line cannot hold unbounded memory. */
export const MAX_LINE_CHARS = 64 * 1024;

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T[0-9:.]+Z) ?/;

/** Splits a stream's bytes into lines (UTF-8 safe across chunks), per stdout/stderr. */
export class LineSplitter {
  readonly #decoders = new Map<LogStreamType, StringDecoder>();
  readonly #partial = new Map<LogStreamType, string>();

  push(frame: LogFrame): LogLine[] {
    let decoder = this.#decoders.get(frame.stream);
    if (!decoder) {
      decoder = new StringDecoder('utf8');
      this.#decoders.set(frame.stream, decoder);
    }
    const text = (this.#partial.get(frame.stream) ?? '') + decoder.write(frame.payload);
    const pieces = text.split('\n');
    let rest = pieces.pop() ?? '';
    const lines = pieces.map((piece) => parseLine(frame.stream, piece));
    if (rest.length > MAX_LINE_CHARS) {
      lines.push(parseLine(frame.stream, rest.slice(0, MAX_LINE_CHARS)));
      rest = '';
    }
    this.#partial.set(frame.stream, rest);
    return lines;
  }

  /** Whatever is left without a final newline (at the end of the stream). */
  flush(): LogLine[] {
    const lines: LogLine[] = [];
    for (const [stream, rest] of this.#partial) {
      const tail = rest + (this.#decoders.get(stream)?.end() ?? '');
      if (tail) lines.push(parseLine(stream, tail));
    }
    this.#partial.clear();
    return lines;
  }
}

/** Separates the engine's RFC 3339 timestamp (logs requested with timestamps) from the text. */
export function parseLine(type: LogStreamType, raw: string): LogLine {
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const match = TIMESTAMP.exec(text);
  if (!match) return { type, ts: '', line: text };
  return { type, ts: match[1] ?? '', line: text.slice(match[0].length) };
}
