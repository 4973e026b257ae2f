import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseReader {
  readonly status: number;
  readonly events: EventSourceMessage[];
  /** Resolves with the first event (at or after `from`) matching; rejects after `timeoutMs`. */
  waitFor(match: (event: EventSourceMessage) => boolean, timeoutMs?: number, from?: number): Promise<EventSourceMessage>;
  close(): void;
}

/** Follows an SSE stream with fetch + eventsource-parser, keeping every event. */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: EventSourceMessage[] = [];
  const waiters = new Set<() => void>();
  const parser = createParser({
    onEvent: (event) => {
      events.push(event);
      for (const wake of waiters) wake();
    },
  });
  if (response.ok && response.body) {
    void (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
      } catch {
        // aborted
      }
    })();
  }
  return {
    status: response.status,
    events,
    waitFor: (match, timeoutMs = 20_000, from = 0) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = events.slice(from).find(match);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${events.map((e) => e.event).join(', ')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () => abort.abort(),
  };
}
