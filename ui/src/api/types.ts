/** API shapes the UI reads (seed 003). Optional fields are ones the daemon may leave out. */

export type UpdateKind = 'major' | 'minor' | 'patch' | 'prerelease' | 'digest';
export type RuntimeState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface CheckError {
  message: string;
  code?: string;
  at?: string;
}

export interface Container {
  id: string;
  name: string;
  watcher: string;
  agent?: string;
  status: RuntimeState | string;
  health?: string;
  displayName?: string;
  displayIcon?: string;
  group?: string;
  labels?: Record<string, string>;
  watched?: boolean;
  image: {
    id?: string;
    registry?: { name?: string; url?: string };
    name: string;
    tag: { value: string; semver?: boolean };
    digest?: { watch?: boolean; value?: string; repo?: string; repoDigests?: string[] };
    architecture?: string;
    os?: string;
    created?: string;
    source?: string;
  };
  result?: { tag: string; digest?: string; created?: string; link?: string };
  updateKind?: { kind: UpdateKind; localValue: string; remoteValue: string } | null;
  updateAvailable: boolean;
  checkStatus?: 'ok' | 'unknown' | 'pending';
  error?: CheckError;
  lastCheckedAt?: string;
  updateDetectedAt?: string;
  createdAt?: string;
  updatePolicy?: UpdatePolicy;
}

export interface UpdatePolicy {
  skipTags?: string[];
  skipDigests?: string[];
  snoozeUntil?: string;
  maturityMode?: string;
  maturityMinAgeDays?: number;
}

export interface Page<T> {
  data: T[];
  total: number;
  limit?: number;
  offset?: number;
  hasMore?: boolean;
}

export interface ContainerSummary {
  containers: { total: number; running: number; stopped: number };
  security?: { issues: number };
  hotUpdates?: number;
  matureUpdates?: number;
}

export type OperationStatus = 'queued' | 'in-progress' | 'succeeded' | 'rolled-back' | 'failed' | 'expired';

export interface PhaseEntry {
  phase: string;
  at: string;
  message?: string;
}

/** How dockdeck retries a failed rollback: automatically on a backoff, at start, or by hand. */
export interface RollbackRecovery {
  attempts: number;
  automaticAttempts: number;
  nextAttemptAt?: string;
  gaveUpAt?: string;
  gaveUpReason?: 'retries-exhausted' | 'old-container-gone' | string;
  recoveredAt?: string;
}

export interface UpdateOperation {
  id: string;
  containerName: string;
  containerId?: string;
  status: OperationStatus | string;
  phase: string;
  createdAt: string;
  updatedAt: string;
  triggerName?: string;
  fromVersion?: string;
  toVersion?: string;
  targetImage?: string;
  rollbackReason?: string;
  lastError?: string;
  kind?: string;
  /** agent::watcher::name: survives recreation. */
  identity?: string;
  watcher?: string;
  newContainerId?: string;
  /** Name the old container carries while the update runs (`<name>-dd-old-<8 hex>`). */
  temporaryName?: string;
  /** Whether the old container was running (a stopped one stays stopped). */
  wasRunning?: boolean;
  /** Retries of a rollback that ended `rollback-failed`. */
  rollbackRecovery?: RollbackRecovery;
  /** Phase history, when the daemon records it (`history`; `phases` in other daemons). */
  history?: PhaseEntry[];
  phases?: PhaseEntry[];
}

export interface Backup {
  id: string;
  containerId?: string;
  containerName: string;
  imageName: string;
  imageTag: string;
  imageDigest?: string;
  timestamp: string;
  triggerName?: string;
}

/** The kinds of messages a trigger sends (DD_TRIGGER_{TYPE}_{NAME}_EVENTS). */
export type TriggerEvent = 'update-available' | 'update-applied' | 'update-failed' | 'rollback-failed';

export interface Trigger {
  id: string;
  type: string;
  name: string;
  /** In the daemon's fixed order; update-available alone by default. */
  events?: TriggerEvent[];
  configuration?: Record<string, unknown>;
}

export interface StatsEntry {
  id: string;
  name: string;
  cpuPercent: number;
  memoryUsageBytes: number;
  memoryLimitBytes: number;
  memoryPercent: number;
}

export interface StatsSummary {
  timestamp: string;
  watchedCount: number;
  avgCpuPercent: number;
  totalMemoryUsageBytes: number;
  totalMemoryLimitBytes: number;
  totalMemoryPercent: number;
  topCpu: StatsEntry[];
  topMemory: StatsEntry[];
}

export interface ContainerStats {
  timestamp: string;
  cpuPercent: number;
  memoryUsageBytes: number;
  memoryLimitBytes: number;
  memoryPercent: number;
  networkRxBytes?: number;
  networkTxBytes?: number;
}

export interface LogLine {
  type: 'stdout' | 'stderr';
  ts: string;
  line: string;
}

/** The preview is free-form on purpose: shown as a list of changes plus the raw plan. */
export type UpdatePreview = Record<string, unknown>;

/** GET /containers/:id/release-notes: plain text, never HTML. */
export interface ReleaseNotes {
  provider: string;
  repository: string;
  tag: string;
  name: string;
  body: string;
  truncated: boolean;
  url: string;
  publishedAt: string | null;
  prerelease?: boolean;
  source?: string;
}

export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['succeeded', 'rolled-back', 'failed', 'expired']);

export interface WatcherStatus {
  name: string;
  endpoint?: string;
  status: 'running' | 'idle' | 'error' | string;
  events?: string;
  lastRun?: { startedAt: string; finishedAt: string; checked: number; errors: number; error?: string } | null;
  nextRunAt?: string | null;
}

/** One container's outcome in a bulk start/stop/restart (POST /api/v1/containers/batch). */
export interface BulkResult {
  id: string;
  name: string;
  success: boolean;
  status?: string;
  error?: string;
  code?: string;
}

export interface BulkSummary {
  message: string;
  total: number;
  success: number;
  failed: number;
  results: BulkResult[];
}

/** The Compose export (seed 002): the file, its .env of secret placeholders, and what to know. */
export interface ComposeExport {
  format: 'docker-compose';
  content: string;
  filename: string;
  warnings: string[];
  env_content: string;
  env_filename: string;
}

export interface ComposeExportOptions {
  sanitize_secrets?: boolean;
  include_volumes?: boolean;
  include_networks?: boolean;
}

export interface AuthStrategy {
  type: 'basic' | 'oidc';
  name: string;
  autoRedirect?: boolean;
}

export interface AuthUser {
  type: 'basic' | 'oidc' | 'none';
  strategy?: string;
  user: string;
  displayName?: string;
  email?: string;
}
