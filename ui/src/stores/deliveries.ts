import { reactive } from 'vue';
import { readableError } from '../api/http.ts';
import { systemApi, type OutboxEntry, type OutboxStatus } from '../api/system.ts';

/**
 * Notification deliveries (the outbox) while the System page shows them, patched in place by
 * `dd:notification-delivery-changed`. The event carries only the state (never the message), so
 * a delivery we have not seen yet makes one refetch of the list.
 */
export interface DeliveryRow {
  id: string;
  trigger: string;
  reason: OutboxEntry['reason'];
  title: string;
  status: OutboxStatus;
  createdAt: string;
  attempts: number;
  lastError?: string;
}

export interface DeliveryChange {
  id: string;
  trigger: string;
  status: OutboxStatus;
  attempts: number;
  lastError?: string;
}

const state = reactive({ rows: [] as DeliveryRow[], loaded: false, error: '' });
const STATUSES: readonly string[] = ['pending', 'sending', 'sent', 'failed'];
const EVENT_DEBOUNCE_MS = 250;
let followers = 0;
let inflight: Promise<void> | null = null;
let debounce: ReturnType<typeof setTimeout> | undefined;
/** An event came while a load was on its way: its answer may be older than the event, so look once more. */
let changedDuringLoad = false;

export function toRow(entry: OutboxEntry): DeliveryRow {
  const last = entry.attempts.at(-1);
  return {
    id: entry.id,
    trigger: entry.trigger,
    reason: entry.reason,
    title: entry.title,
    status: entry.status,
    createdAt: entry.createdAt,
    attempts: entry.attempts.length,
    ...(last && !last.ok && last.error ? { lastError: last.error } : {}),
  };
}

/** The rows with one delivery's new state; `undefined` when that delivery is not among them. */
export function applyChange(rows: readonly DeliveryRow[], change: DeliveryChange): DeliveryRow[] | undefined {
  const index = rows.findIndex((row) => row.id === change.id);
  const row = rows[index];
  if (!row) return undefined;
  const { lastError: _previous, ...rest } = row;
  const next = [...rows];
  next[index] = { ...rest, status: change.status, attempts: change.attempts, ...(change.lastError ? { lastError: change.lastError } : {}) };
  return next;
}

function isChange(data: unknown): data is DeliveryChange {
  const d = data as Partial<DeliveryChange> | null;
  return !!d && typeof d.id === 'string' && typeof d.trigger === 'string' && typeof d.status === 'string' && STATUSES.includes(d.status) && typeof d.attempts === 'number';
}

function load(): Promise<void> {
  if (inflight) return inflight;
  changedDuringLoad = false;
  inflight = systemApi
    .outbox()
    .then((page) => {
      state.rows = page.data.map(toRow);
      state.error = '';
    })
    .catch((error: unknown) => {
      state.error = readableError(error);
    })
    .finally(() => {
      state.loaded = true;
      inflight = null;
      if (changedDuringLoad) refetchSoon();
    });
  return inflight;
}

function refetchSoon(): void {
  clearTimeout(debounce);
  debounce = setTimeout(() => void load(), EVENT_DEBOUNCE_MS);
}

export const deliveriesStore = {
  state,
  load,

  /**
   * A retry answered with the entry: shown at once, unless events already moved it on (the
   * answer and the stream race; an event with more attempts, or past `failed`, is newer).
   */
  upsert(entry: OutboxEntry): void {
    const row = toRow(entry);
    const index = state.rows.findIndex((r) => r.id === row.id);
    const current = state.rows[index];
    if (!current) state.rows.unshift(row);
    else if (current.status === 'failed' && current.attempts <= row.attempts) state.rows.splice(index, 1, row);
  },

  /** Keeps the list live while a page shows it; returns the function that stops following. */
  follow(): () => void {
    followers += 1;
    void load();
    return () => {
      followers -= 1;
    };
  },

  /** After a stream resync: events may have been missed. */
  refreshIfFollowed(): void {
    if (followers) void load();
  },
};

/** Handlers for /api/v1/events/ui. */
export function deliveryEventHandlers(): Record<string, (data: unknown) => void> {
  return {
    'dd:notification-delivery-changed': (data) => {
      if (!followers || !isChange(data)) return;
      if (inflight) changedDuringLoad = true;
      const next = applyChange(state.rows, data);
      if (next) state.rows = next;
      else refetchSoon();
    },
  };
}
