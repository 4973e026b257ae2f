/**
 * An EventSource that never gives up: the browser retries dropped connections by itself, but a
 * refused one (daemon restarting, 503) closes it for good, so we reopen with a growing delay.
 * `onResync` runs when the stream says events were lost and after every reconnect, so stores
 * refetch instead of trusting a stale picture.
 */
export type StreamState = 'connecting' | 'open' | 'down';

export interface EventStreamOptions {
  url: string;
  events: Record<string, (data: unknown) => void>;
  onResync: () => void;
  onState?: (state: StreamState) => void;
}

export class EventStream {
  readonly #options: EventStreamOptions;
  #source: EventSource | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #delay = 1000;
  #opened = false;
  #closed = false;

  constructor(options: EventStreamOptions) {
    this.#options = options;
  }

  start(): void {
    this.#closed = false;
    this.#open();
  }

  stop(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#source?.close();
    this.#source = null;
  }

  #open(): void {
    this.#options.onState?.('connecting');
    const source = new EventSource(this.#options.url);
    this.#source = source;
    source.onopen = () => {
      this.#delay = 1000;
      this.#options.onState?.('open');
      // Every open after the first one may have missed events: resync.
      if (this.#opened) this.#options.onResync();
      this.#opened = true;
    };
    source.onerror = () => {
      this.#options.onState?.('down');
      if (source.readyState === EventSource.CLOSED && !this.#closed) this.#retry();
    };
    source.addEventListener('dd:resync-required', () => this.#options.onResync());
    for (const [name, handler] of Object.entries(this.#options.events)) {
      source.addEventListener(name, (event) => {
        const data = parse((event as MessageEvent<string>).data);
        if (data !== undefined) handler(data);
      });
    }
  }

  #retry(): void {
    this.#source?.close();
    this.#timer = setTimeout(() => this.#open(), this.#delay);
    this.#delay = Math.min(this.#delay * 2, 15_000);
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
