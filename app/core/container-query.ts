import type { Container, UpdateKind } from './container.ts';

/** Listing containers: filters, sort and pagination of GET /api/v1/containers (seed 003). Pure. */

export const SORT_KEYS = ['name', 'status', 'age', 'created'] as const;
export const SORT_VALUES = SORT_KEYS.flatMap((key) => [key, `-${key}`]) as readonly string[];
export const STATUS_FILTERS = ['update-available', 'up-to-date', 'running', 'stopped', 'exited', 'paused', 'restarting', 'dead', 'created'] as const;
export const KIND_FILTERS = ['major', 'minor', 'patch', 'digest', 'watched', 'unwatched', 'all'] as const;
export const MATURITY_FILTERS = ['hot', 'mature', 'established'] as const;
export const MAX_LIMIT = 200;
/** Updates older than this are always `established`, whatever the threshold. */
export const ESTABLISHED_AFTER_DAYS = 30;

export type SortKey = (typeof SORT_KEYS)[number];
export type StatusFilter = (typeof STATUS_FILTERS)[number];
export type KindFilter = (typeof KIND_FILTERS)[number];
export type Maturity = (typeof MATURITY_FILTERS)[number];

export interface ContainerQuery {
  /** 0 means unbounded. */
  readonly limit: number;
  readonly offset: number;
  /** e.g. `name` or `-created`. */
  readonly sort?: string;
  readonly order?: 'asc' | 'desc';
  readonly status?: StatusFilter;
  readonly kind?: KindFilter;
  readonly watcher?: string;
  readonly maturity?: Maturity;
  readonly containerIds?: readonly string[];
}

export interface Page<T> {
  readonly data: T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly hasMore: boolean;
}

const DAY_MS = 86_400_000;

/** Age class of a container's available update; null without one. */
export function updateMaturity(container: Container, now: Date, thresholdDays: number): Maturity | null {
  if (!container.updateAvailable || !container.updateDetectedAt) return null;
  const ageMs = now.getTime() - Date.parse(container.updateDetectedAt);
  if (Number.isNaN(ageMs)) return null;
  if (ageMs > ESTABLISHED_AFTER_DAYS * DAY_MS) return 'established';
  return ageMs < thresholdDays * DAY_MS ? 'hot' : 'mature';
}

/** Up to date means: watched, checked successfully, nothing newer. A failed check is never up to date. */
export function isUpToDate(container: Container): boolean {
  return container.watched && container.checkStatus === 'ok' && !container.updateAvailable;
}

export function queryContainers(
  containers: readonly Container[],
  query: ContainerQuery,
  context: { now: Date; maturityThresholdDays: number },
): Page<Container> {
  const ids = query.containerIds ? new Set(query.containerIds) : null;
  const matching = containers.filter(
    (container) =>
      (!ids || ids.has(container.id)) &&
      (!query.watcher || container.watcher === query.watcher) &&
      matchesStatus(container, query.status) &&
      matchesKind(container, query.kind) &&
      (!query.maturity || updateMaturity(container, context.now, context.maturityThresholdDays) === query.maturity),
  );
  const sorted = sortContainers(matching, query.sort, query.order, context.now);
  const page = query.limit === 0 ? sorted.slice(query.offset) : sorted.slice(query.offset, query.offset + query.limit);
  return {
    data: page,
    total: sorted.length,
    limit: query.limit,
    offset: query.offset,
    hasMore: query.offset + page.length < sorted.length,
  };
}

function matchesStatus(container: Container, status: StatusFilter | undefined): boolean {
  switch (status) {
    case undefined:
      return true;
    case 'update-available':
      return container.updateAvailable;
    case 'up-to-date':
      return isUpToDate(container);
    case 'stopped':
      return container.status !== 'running';
    default:
      return container.status === status;
  }
}

function matchesKind(container: Container, kind: KindFilter | undefined): boolean {
  switch (kind) {
    case undefined:
    case 'all':
      return true;
    case 'watched':
      return container.watched;
    case 'unwatched':
      return !container.watched;
    default:
      return container.updateAvailable && container.updateKind?.kind === (kind satisfies UpdateKind);
  }
}

function sortContainers(containers: Container[], sort: string | undefined, order: 'asc' | 'desc' | undefined, now: Date): Container[] {
  const descending = order ? order === 'desc' : (sort ?? '').startsWith('-');
  const key = ((sort ?? 'name').replace(/^-/, '') || 'name') as SortKey;
  const byName = (a: Container, b: Container) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
  const primary = comparator(key, now);
  const direction = descending ? -1 : 1;
  return [...containers].sort((a, b) => direction * (primary(a, b) || byName(a, b)));
}

function comparator(key: SortKey, now: Date): (a: Container, b: Container) => number {
  switch (key) {
    case 'status':
      return (a, b) => a.status.localeCompare(b.status);
    case 'created':
      return (a, b) => time(a.createdAt) - time(b.createdAt);
    case 'age':
      // Age of the available update: youngest first; containers without an update come last.
      return (a, b) => updateAge(a, now) - updateAge(b, now);
    default:
      return () => 0;
  }
}

function time(iso: string | undefined): number {
  const value = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(value) ? 0 : value;
}

function updateAge(container: Container, now: Date): number {
  if (!container.updateAvailable || !container.updateDetectedAt) return Number.MAX_SAFE_INTEGER;
  return now.getTime() - time(container.updateDetectedAt);
}

export interface ContainerSummary {
  readonly containers: { readonly total: number; readonly running: number; readonly stopped: number };
  readonly security: { readonly issues: number };
  /** Updates younger than 24 hours. */
  readonly hotUpdates: number;
  /** Updates between 24 hours and the maturity threshold. */
  readonly matureUpdates: number;
  readonly updates: { readonly total: number } & Readonly<Record<UpdateKind, number>>;
  /** Watched containers whose last check failed. */
  readonly unknown: number;
  readonly upToDate: number;
}

/** GET /api/v1/containers/summary: counts for the dashboard. */
export function summarizeContainers(containers: readonly Container[], now: Date, maturityThresholdDays: number): ContainerSummary {
  const updates = { total: 0, major: 0, minor: 0, patch: 0, prerelease: 0, digest: 0 };
  let running = 0;
  let hot = 0;
  let mature = 0;
  let unknown = 0;
  let upToDate = 0;
  for (const container of containers) {
    if (container.status === 'running') running++;
    if (container.watched && container.checkStatus === 'unknown') unknown++;
    if (isUpToDate(container)) upToDate++;
    if (container.updateAvailable && container.updateKind) {
      updates.total++;
      updates[container.updateKind.kind]++;
      const age = container.updateDetectedAt ? now.getTime() - Date.parse(container.updateDetectedAt) : Number.NaN;
      if (age < DAY_MS) hot++;
      else if (age <= maturityThresholdDays * DAY_MS) mature++;
    }
  }
  return {
    containers: { total: containers.length, running, stopped: containers.length - running },
    security: { issues: 0 },
    hotUpdates: hot,
    matureUpdates: mature,
    updates,
    unknown,
    upToDate,
  };
}
