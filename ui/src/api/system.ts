import { request } from './http.ts';
import type { Container, Page, TriggerEvent } from './types.ts';

/** Shapes and calls behind the System page: watchers, engines, registries, triggers, outbox, app. */

export interface WatcherRun {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  checked: number;
  errors: number;
  error?: string;
}

export interface WatcherDetails {
  name: string;
  type: string;
  endpoint: string;
  cron: string;
  jitterSeconds: number;
  watchByDefault: boolean;
  watchAll: boolean;
  watchEvents: boolean;
  labelFilter: string[];
  agent: { host: string; port: number; tls: boolean } | null;
  status: 'running' | 'idle' | 'error';
  events: 'connecting' | 'connected' | 'reconnecting' | 'stopped' | 'disabled';
  lastRun: WatcherRun | null;
  nextRunAt: string | null;
}

/** GET /api/v1/system/info (the daemon's own names for docker info fields). */
export interface EngineInfo {
  watcher: string;
  name?: string;
  serverVersion?: string;
  operatingSystem?: string;
  osType?: string;
  architecture?: string;
  kernelVersion?: string;
  cpus?: number;
  memoryBytes?: number;
  containers?: { total?: number; running?: number; paused?: number; stopped?: number };
  images?: number;
  storageDriver?: string;
  cgroupVersion?: string;
}

/** GET /api/v1/system/version: the engine's own answer plus the negotiated API version. */
export interface EngineVersion {
  watcher: string;
  negotiatedApiVersion?: string;
  Version?: string;
  ApiVersion?: string;
  MinAPIVersion?: string;
}

export interface RegistryDetails {
  id: string;
  provider: string;
  name: string;
  url: string;
  hosts: string;
  builtIn: boolean;
  credentials: boolean;
  caFile: boolean;
  insecure: boolean;
  maxRequests: number;
}

export interface TriggerDetails {
  id: string;
  type: string;
  name: string;
  events?: TriggerEvent[];
  configuration: Record<string, unknown>;
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface OutboxEntry {
  id: string;
  trigger: string;
  mode: 'simple' | 'batch';
  reason: 'auto' | 'manual' | 'test';
  title: string;
  status: OutboxStatus;
  attempts: Array<{ at: string; ok: boolean; error?: string }>;
  createdAt: string;
  nextAttemptAt?: string;
  sentAt?: string;
}

const watcherQuery = (name: string) => `?${new URLSearchParams({ watcher: name })}`;

export const systemApi = {
  app: () => request<{ name: string; version: string }>('/api/v1/app'),
  watchers: () => request<Page<WatcherDetails>>('/api/v1/watchers'),
  /** Runs one watcher's cycle now and answers when it is done (joins a run already in progress). */
  watchNow: (name: string) => request<Page<Container>>(`/api/v1/containers/watch${watcherQuery(name)}`, { method: 'POST' }),
  engineInfo: (name: string) => request<EngineInfo>(`/api/v1/system/info${watcherQuery(name)}`),
  engineVersion: (name: string) => request<EngineVersion>(`/api/v1/system/version${watcherQuery(name)}`),
  registries: () => request<Page<RegistryDetails>>('/api/v1/registries'),
  triggers: () => request<Page<TriggerDetails>>('/api/v1/triggers'),
  outbox: () => request<Page<OutboxEntry>>('/api/v1/notifications/outbox'),
  retryDelivery: (id: string) => request<OutboxEntry>(`/api/v1/notifications/outbox/${encodeURIComponent(id)}/retry`, { method: 'POST' }),
};
