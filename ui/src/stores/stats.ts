import { reactive } from 'vue';
import { EventStream, type StreamState } from '../api/event-stream.ts';
import type { StatsSummary } from '../api/types.ts';

const HISTORY = 90;

/** Fleet CPU and memory from `dd:stats-summary`, with a short history for the chart. */
const state = reactive({
  summary: null as StatsSummary | null,
  history: [] as Array<{ at: number; cpu: number; memory: number }>,
  stream: 'connecting' as StreamState,
});

let stream: EventStream | null = null;

function accept(data: unknown): void {
  const summary = data as StatsSummary;
  if (!summary || typeof summary.avgCpuPercent !== 'number') return;
  state.summary = summary;
  const at = Date.parse(summary.timestamp) || Date.now();
  if (state.history.at(-1)?.at === at) return;
  state.history.push({ at, cpu: summary.avgCpuPercent, memory: summary.totalMemoryPercent });
  if (state.history.length > HISTORY) state.history.splice(0, state.history.length - HISTORY);
}

export const statsStore = {
  state,
  /** Starts the summary stream once; it keeps running so the history survives navigation. */
  start(): void {
    if (stream) return;
    stream = new EventStream({
      url: '/api/v1/stats/summary/stream',
      events: { 'dd:stats-summary': accept },
      // The stream sends the current snapshot on connect, so a reconnect resyncs by itself.
      onResync: () => undefined,
      onState: (value) => (state.stream = value),
    });
    stream.start();
  },
};
