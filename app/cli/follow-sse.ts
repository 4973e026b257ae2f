import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** A response that retrying cannot fix (bad URL, credentials, unknown container). */
export class FatalStreamError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface FollowOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Resume after this id (as a reconnect would). */
  readonly lastEventId?: string;
  readonly signal: AbortSignal;
  readonly onEvent: (event: EventSourceMessage) => void;
  /** Connection news for stderr (connected, retrying …). */
  readonly onStatus?: (message: string) => void;
  /** Longest wait between reconnects, in ms. */
  readonly maxDelayMs?: number;
}

/**
 * Follows an SSE stream for as long as the signal allows: reconnects after the stream ends or
 * fails, sending Last-Event-ID so the server replays what was missed. Resolves when aborted.
 */
export async function followSse(options: FollowOptions): Promise<void> {
  let lastEventId = options.lastEventId;
  let serverRetryMs = 3000;
  let failures = 0;
  const maxDelay = options.maxDelayMs ?? 30_000;
  while (!options.signal.aborted) {
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
      if (lastEventId) headers['last-event-id'] = lastEventId;
      const response = await fetch(options.url, { headers, signal: options.signal });
      if (!response.ok || !response.body) {
        const text = (await response.text().catch(() => '')).slice(0, 300);
        if (response.status === 429 || response.status >= 500) throw new Error(`HTTP ${response.status} ${text}`);
        throw new FatalStreamError(response.status, `HTTP ${response.status} ${text}`.trim());
      }
      failures = 0;
      options.onStatus?.(`connected to ${options.url}`);
      const parser = createParser({
        onEvent: (event) => {
          if (event.id) lastEventId = event.id;
          options.onEvent(event);
        },
        onRetry: (ms) => {
          serverRetryMs = ms;
        },
      });
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
      options.onStatus?.('stream ended; reconnecting');
    } catch (error) {
      if (options.signal.aborted) return;
      if (error instanceof FatalStreamError) throw error;
      failures++;
      options.onStatus?.(`connection failed (${(error as Error).message}); retrying`);
    }
    const delay = Math.min(maxDelay, failures === 0 ? serverRetryMs : serverRetryMs * 2 ** Math.min(failures - 1, 5));
    await sleep(delay, options.signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
