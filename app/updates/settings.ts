/** How updates run; built from the docker trigger's configuration (defaults here). */
export interface UpdateSettings {
  /** Backups kept per container. */
  readonly backupCount: number;
  /** Remove an old image once no container and no backup needs it. */
  readonly prune: boolean;
  /** Health gate window for images with a HEALTHCHECK, unless the `dd.rollback.window` label says otherwise. */
  readonly rollbackWindowMs: number;
  /** Without a HEALTHCHECK the new container must stay up this long. */
  readonly graceMs: number;
  readonly pollMs: number;
  /** Updates running at the same time across all containers. */
  readonly concurrency: number;
  /** Pause after each persisted phase (0 in production; lets tests observe or interrupt a phase). */
  readonly phaseDelayMs: number;
  /** Seconds given to the old container to stop. */
  readonly stopTimeoutSeconds: number;
  /** Waits before retrying a rollback that failed (e.g. a brief engine error); one retry per entry. */
  readonly rollbackRetryDelaysMs: readonly number[];
  /**
   * When a rollback still failed after those retries: waits before each automatic retry while
   * running (the first one counted from the failure), then dockdeck gives up and says so.
   */
  readonly rollbackRecoveryDelaysMs: readonly number[];
  /** An operation that is active in the store but run by nobody is marked expired after this long. */
  readonly operationTtlMs: number;
  readonly triggerName: string;
}

export const DEFAULT_UPDATE_SETTINGS: UpdateSettings = {
  backupCount: 3,
  prune: false,
  rollbackWindowMs: 60_000,
  graceMs: 10_000,
  pollMs: 500,
  concurrency: 2,
  phaseDelayMs: 0,
  stopTimeoutSeconds: 10,
  rollbackRetryDelaysMs: [1000, 3000, 10_000],
  rollbackRecoveryDelaysMs: rollbackRecoveryDelays(60),
  operationTtlMs: 30 * 60_000,
  triggerName: 'docker.local',
};

/** The backoff of automatic rollback retries: 1×, 5× and 15× the first delay (1, 5 and 15 minutes by default). */
export function rollbackRecoveryDelays(firstDelaySeconds: number): readonly number[] {
  return [1, 5, 15].map((factor) => factor * firstDelaySeconds * 1000);
}

const MAX_WINDOW_SECONDS = 3600;

/** Reads `dd.rollback.window` (seconds) and `dd.rollback.auto` from the container's labels. */
export function rollbackLabels(labels: Readonly<Record<string, string>> | null | undefined, settings: UpdateSettings): { windowMs: number; auto: boolean } {
  const window = Number(labels?.['dd.rollback.window']);
  const windowMs = Number.isInteger(window) && window > 0 && window <= MAX_WINDOW_SECONDS ? window * 1000 : settings.rollbackWindowMs;
  const auto = (labels?.['dd.rollback.auto'] ?? 'true').trim().toLowerCase() !== 'false';
  return { windowMs, auto };
}
