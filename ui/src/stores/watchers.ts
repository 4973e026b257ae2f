import { reactive } from 'vue';
import { readableError } from '../api/http.ts';
import { systemApi, type WatcherDetails } from '../api/system.ts';

/**
 * The watchers with their schedule and last run, refetched while a page shows them: on every
 * `dd:watch-cycle-completed` (any watcher, scheduled or asked for), after a stream resync, and
 * slowly in between, because the event follower's state changes without an event.
 */
const state = reactive({
  list: [] as WatcherDetails[],
  loaded: false,
  error: '',
});

const SLOW_POLL_MS = 30_000;
const EVENT_DEBOUNCE_MS = 250;

let inflight: Promise<void> | null = null;
let followers = 0;
let debounce: ReturnType<typeof setTimeout> | undefined;

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

/** Several watchers finishing together make one request. */
function refreshIfFollowed(): void {
  if (!followers) return;
  clearTimeout(debounce);
  debounce = setTimeout(() => void load(), EVENT_DEBOUNCE_MS);
}

export const watchersStore = {
  state,
  load,
  refreshIfFollowed,

  /** Keeps the list live while a page shows it; returns the function that stops following. */
  follow(): () => void {
    followers += 1;
    void load();
    const poll = setInterval(() => void load(), SLOW_POLL_MS);
    return () => {
      followers -= 1;
      clearInterval(poll);
    };
  },
};

/** Handlers for /api/v1/events/ui: a finished cycle changes its watcher's last run and next run. */
export function watcherEventHandlers(): Record<string, (data: unknown) => void> {
  return { 'dd:watch-cycle-completed': refreshIfFollowed };
}
