import { effectScope, reactive, watch } from 'vue';
import { readableError } from '../api/http.ts';
import { systemApi, type WatcherDetails } from '../api/system.ts';
import { containersStore } from './containers.ts';
import { liveState } from './live.ts';

/**
 * The watchers with their schedule and last run. The UI stream has no event for a finished watch
 * cycle, so the list is refetched when what a cycle leaves behind shows up: container events (via
 * the containers store), a stream resync, the moment of the next scheduled run, and every few
 * seconds while a run is in progress.
 */
const state = reactive({
  list: [] as WatcherDetails[],
  loaded: false,
  error: '',
});

const RUNNING_POLL_MS = 2000;
const AFTER_SCHEDULE_MS = 1500;
const MAX_WAIT_MS = 10 * 60_000;
const EVENT_DEBOUNCE_MS = 400;

let inflight: Promise<void> | null = null;

function load(): Promise<void> {
  if (inflight) return inflight;
  inflight = systemApi
    .watchers()
    .then((page) => {
      state.list = page.data;
      state.error = '';
      state.loaded = true;
    })
    .catch((error: unknown) => {
      state.error = readableError(error);
    })
    .finally(() => {
      inflight = null;
    });
  return inflight;
}

/** How long until the list is worth asking for again, or null when nothing is expected. */
function nextRefreshIn(list: readonly WatcherDetails[], now = Date.now()): number | null {
  if (list.some((watcher) => watcher.status === 'running')) return RUNNING_POLL_MS;
  const upcoming = list.map((watcher) => Date.parse(watcher.nextRunAt ?? '')).filter(Number.isFinite);
  if (!upcoming.length) return null;
  return Math.min(Math.max(Math.min(...upcoming) - now + AFTER_SCHEDULE_MS, 1000), MAX_WAIT_MS);
}

export const watchersStore = {
  state,
  load,

  /** Keeps the list live while a page shows it; returns the function that stops following. */
  follow(): () => void {
    const scope = effectScope();
    let debounce: ReturnType<typeof setTimeout> | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reschedule = () => {
      clearTimeout(timer);
      const wait = nextRefreshIn(state.list);
      if (wait !== null) timer = setTimeout(() => void load(), wait);
    };
    scope.run(() => {
      watch(containersStore.all, () => {
        clearTimeout(debounce);
        debounce = setTimeout(() => void load(), EVENT_DEBOUNCE_MS);
      });
      watch(() => liveState.resyncs, () => void load());
      watch(() => state.list, reschedule);
    });
    void load().then(reschedule);
    return () => {
      scope.stop();
      clearTimeout(debounce);
      clearTimeout(timer);
    };
  },
};
