import type { Request, Response } from 'express';
import type { StatsCollector, StatsTarget } from '../../stats/collector.ts';
import { SseChannel, type SseChannelOptions } from './sse-channel.ts';

/**
 * One `dd:container-stats` channel per container somebody streams. While a channel has clients
 * the collector samples that container; the last client leaving stops it and drops the channel.
 */
export class ContainerStatsStreams {
  readonly #channels = new Map<string, { channel: SseChannel; release: () => void }>();
  readonly #collector: StatsCollector;
  readonly #options: Omit<SseChannelOptions, 'replayCapacity'>;
  readonly #offSample: () => void;

  constructor(collector: StatsCollector, options: Omit<SseChannelOptions, 'replayCapacity'>) {
    this.#collector = collector;
    this.#options = options;
    this.#offSample = collector.onSample((snapshot) => this.#channels.get(snapshot.id)?.channel.publish('dd:container-stats', snapshot));
  }

  get clientCount(): number {
    let count = 0;
    for (const { channel } of this.#channels.values()) count += channel.clientCount;
    return count;
  }

  /** Opens a stream; the latest snapshot (if any) is sent at once. Throws StreamLimitError. */
  attach(target: StatsTarget, req: Request, res: Response): void {
    let entry = this.#channels.get(target.id);
    const created = !entry;
    if (!entry) {
      const channel = new SseChannel(this.#options);
      entry = { channel, release: () => undefined };
      this.#channels.set(target.id, entry);
    }
    const current = entry;
    try {
      current.channel.attach(req, res, (client, lastId) => {
        const latest = this.#collector.latest(target.id);
        if (latest) client.send('dd:container-stats', latest, lastId);
      });
    } catch (error) {
      if (created) this.#channels.delete(target.id);
      throw error;
    }
    if (created) {
      current.release = this.#collector.watch(target);
      current.channel.onEmpty = () => {
        current.release();
        this.#channels.delete(target.id);
      };
    }
  }

  close(): void {
    this.#offSample();
    for (const { channel } of [...this.#channels.values()]) channel.close();
  }
}
