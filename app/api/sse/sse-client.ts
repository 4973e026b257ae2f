import type { Request, Response } from 'express';

/**
 * One open `text/event-stream` response. Writes never queue without bound: a client whose unsent
 * bytes pass `maxBufferedBytes` is dropped (it reconnects with Last-Event-ID and catches up).
 */
export class SseClient {
  readonly ip: string;
  readonly #res: Response;
  readonly #maxBufferedBytes: number;
  #closed = false;
  readonly #closeListeners: Array<() => void> = [];

  constructor(req: Request, res: Response, maxBufferedBytes: number) {
    this.ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    this.#res = res;
    this.#maxBufferedBytes = maxBufferedBytes;
    // A stream lives for hours: the server's request/idle timeouts must not cut it.
    req.setTimeout(0);
    res.setTimeout(0);
    req.socket.setTimeout(0);
    req.socket.setNoDelay(true);
    res.on('close', () => this.#markClosed());
    res.on('error', () => this.#markClosed());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends the status line and headers; proxies are asked not to buffer. */
  open(): void {
    this.#res.status(200);
    this.#res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    this.#res.setHeader('Cache-Control', 'no-cache, no-transform');
    this.#res.setHeader('Connection', 'keep-alive');
    this.#res.setHeader('X-Accel-Buffering', 'no');
    this.#res.flushHeaders();
    this.#res.write('retry: 3000\n\n');
  }

  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else this.#closeListeners.push(listener);
  }

  /** Writes one event; returns false when the client is gone or was dropped for being slow. */
  send(event: string, data: unknown, id?: number): boolean {
    return this.sendRaw(formatEvent(event, data, id));
  }

  /** Writes an already formatted frame (shared by every client of a broadcast). */
  sendRaw(frame: string): boolean {
    if (this.#closed) return false;
    if (this.#res.writableLength > this.#maxBufferedBytes) {
      this.#res.destroy();
      this.#markClosed();
      return false;
    }
    this.#res.write(frame);
    return true;
  }

  close(): void {
    if (this.#closed) return;
    this.#res.end();
    this.#markClosed();
  }

  #markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of this.#closeListeners.splice(0)) listener();
  }
}

/** One SSE frame; the data is a single JSON line (JSON.stringify never emits raw newlines). */
export function formatEvent(event: string, data: unknown, id?: number): string {
  const idLine = id === undefined ? '' : `id: ${id}\n`;
  return `${idLine}event: ${event}\ndata: ${JSON.stringify(data ?? {})}\n\n`;
}
