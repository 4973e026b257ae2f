import { request } from './http.ts';
import type {
  AuthStrategy,
  AuthUser,
  Backup,
  ComposeExport,
  ComposeExportOptions,
  BulkSummary,
  Container,
  ContainerStats,
  ContainerSummary,
  Page,
  ReleaseNotes,
  StatsSummary,
  Trigger,
  UpdateOperation,
  UpdatePreview,
  WatcherStatus,
} from './types.ts';

/** Typed calls to the daemon's REST API (paths and bodies as in seed 003). */

const c = (id: string) => `/api/v1/containers/${encodeURIComponent(id)}`;

export type PolicyAction =
  | { action: 'skip-current' }
  | { action: 'remove-skip'; kind: 'tag' | 'digest'; value: string }
  | { action: 'clear-skips' }
  | { action: 'snooze'; days: number }
  | { action: 'unsnooze' }
  | { action: 'clear' }
  | { action: 'set-maturity-policy'; mode: string; minAgeDays?: number }
  | { action: 'clear-maturity-policy' };

export const api = {
  authStrategies: () => request<AuthStrategy[]>('/api/v1/auth/strategies'),
  authUser: () => request<AuthUser>('/api/v1/auth/user'),
  login: (username: string, password: string) => request<AuthUser>('/api/v1/auth/login', { method: 'POST', body: { username, password } }),
  /** redirectUrl: the identity provider's sign-out page, where the browser goes next (OIDC sessions). */
  logout: () => request<{ loggedOut: boolean; redirectUrl?: string }>('/api/v1/auth/logout', { method: 'POST' }),
  listContainers: (query: Record<string, string> = {}) =>
    request<Page<Container>>(`/api/v1/containers?${new URLSearchParams({ limit: '0', ...query })}`),
  containerSummary: () => request<ContainerSummary>('/api/v1/containers/summary'),
  getContainer: (id: string) => request<Container>(c(id)),
  watchAll: () => request<Page<Container>>('/api/v1/containers/watch', { method: 'POST' }),
  watchContainer: (id: string) => request<Container>(`${c(id)}/watch`, { method: 'POST' }),
  update: (id: string) => request<{ message?: string; operationId: string }>(`${c(id)}/update`, { method: 'POST' }),
  preview: (id: string) => request<UpdatePreview>(`${c(id)}/preview`, { method: 'POST' }),
  releaseNotes: (id: string, signal?: AbortSignal) => request<ReleaseNotes>(`${c(id)}/release-notes`, signal ? { signal } : {}),
  setPolicy: (id: string, body: PolicyAction) => request<unknown>(`${c(id)}/update-policy`, { method: 'PATCH', body }),
  lifecycle: (id: string, action: 'start' | 'stop' | 'restart') => request<unknown>(`${c(id)}/${action}`, { method: 'POST' }),
  /** At most 100 ids per call (the daemon's limit); 5 run at once on the daemon. */
  batch: (action: 'start' | 'stop' | 'restart', containerIds: string[]) =>
    request<BulkSummary>('/api/v1/containers/batch', { method: 'POST', body: { action, containerIds } }),
  backups: (id: string) => request<Page<Backup>>(`${c(id)}/backups`),
  rollback: (id: string, backupId?: string) =>
    request<unknown>(`${c(id)}/rollback`, {
      method: 'POST',
      headers: { 'X-DD-Confirm-Action': 'container-rollback' },
      body: backupId ? { backupId } : {},
    }),
  /** Retries the failed rollback that left this container down (no backupId: the daemon finds the operation). */
  retryRollback: (id: string) =>
    request<{ message: string; operationId: string; operation?: UpdateOperation }>(`${c(id)}/rollback`, {
      method: 'POST',
      headers: { 'X-DD-Confirm-Action': 'container-rollback' },
      body: {},
    }),
  containerOperations: (id: string) => request<Page<UpdateOperation>>(`${c(id)}/update-operations`),
  operation: (id: string) => request<UpdateOperation>(`/api/v1/update-operations/${encodeURIComponent(id)}`),
  listOperations: () => request<Page<UpdateOperation>>('/api/v1/update-operations?limit=100'),
  cancelOperation: (id: string) => request<UpdateOperation>(`/api/v1/operations/${encodeURIComponent(id)}/cancel`, { method: 'POST' }),
  triggers: (id: string) => request<Page<Trigger>>(`${c(id)}/triggers`),
  runTrigger: (id: string, type: string, name: string) =>
    request<unknown>(`${c(id)}/triggers/${encodeURIComponent(type)}/${encodeURIComponent(name)}`, { method: 'POST' }),
  watchers: () => request<Page<WatcherStatus>>('/api/v1/watchers'),
  statsSummary: () => request<{ data: StatsSummary }>('/api/v1/stats/summary'),
  exportCompose: (id: string, options: ComposeExportOptions, preview = false) =>
    request<ComposeExport>(`${c(id)}/export${preview ? '/preview' : ''}`, { method: 'POST', body: options }),
  containerStats: (id: string) => request<{ data: ContainerStats | null; history: ContainerStats[] }>(`${c(id)}/stats`),
};

/** URL of the WebSocket log stream for a container, on the page's own host. */
export function logStreamUrl(id: string, tail = 200): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${c(id)}/logs/stream?follow=true&tail=${tail}`;
}

/** Where the browser goes to sign in with an OpenID Connect provider, coming back to `returnTo`. */
export function oidcLoginUrl(name: string, returnTo: string): string {
  return `/api/v1/auth/oidc/${encodeURIComponent(name)}/redirect?${new URLSearchParams({ returnTo })}`;
}
