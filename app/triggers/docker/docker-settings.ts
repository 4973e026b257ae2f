import type { RawGroup } from '../../config/groups.ts';
import { parseGroup } from '../../config/groups.ts';
import { booleanSetting, integerSetting, type SettingTable } from '../../config/setting.ts';
import { DEFAULT_UPDATE_SETTINGS, rollbackRecoveryDelays, type UpdateSettings } from '../../updates/settings.ts';

/** The docker trigger's own keys: DD_TRIGGER_DOCKER_{NAME}_{KEY} (AUTO and THRESHOLD are common keys). */
export const dockerTriggerSettings = {
  prune: booleanSetting('Remove the old image after a successful update, unless a backup still refers to it.', false),
  backupcount: integerSetting('Backups (image + spec) kept per container for rollback.', 1, 50, DEFAULT_UPDATE_SETTINGS.backupCount),
  dryrun: booleanSetting('Only log what would be updated; change nothing.', false),
  rollbackwindow: integerSetting('Seconds a container with a HEALTHCHECK has to become healthy (label dd.rollback.window overrides).', 1, 3600, 60),
  graceseconds: integerSetting('Seconds a container without a HEALTHCHECK must stay up after an update.', 0, 600, 10),
  concurrency: integerSetting('Updates running at the same time (the rest wait queued).', 1, 20, DEFAULT_UPDATE_SETTINGS.concurrency),
  stoptimeout: integerSetting('Seconds given to the old container to stop.', 1, 300, 10),
  operationttl: integerSetting('Seconds after which an operation left active with no progress (e.g. its recovery could not reach the engine) is marked expired.', 60, 86400, 1800),
  rollbackretrydelay: integerSetting(
    'Seconds before the first automatic retry of a rollback that failed (the service may be down); the next come 5× and 15× as long after the previous one, then dockdeck gives up and logs an error. Retried at every start too.',
    1,
    3600,
    60,
  ),
  phasedelayms: integerSetting('Pause after each update phase, in milliseconds (0; for tests and demos).', 0, 60_000, 0),
} satisfies SettingTable;

/**
 * Update settings from the first docker trigger (DD_TRIGGER_DOCKER_{NAME}_*); defaults when none
 * is configured, so "Update now" works out of the box.
 */
export function updateSettingsFromTriggers(groups: readonly RawGroup[]): UpdateSettings & { dryRun: boolean } {
  const group = groups.find((candidate) => candidate.name.startsWith('docker.'));
  if (!group) return { ...DEFAULT_UPDATE_SETTINGS, dryRun: false };
  // Only our own keys: the common ones (AUTO, THRESHOLD, …) belong to the trigger framework.
  const own: RawGroup = { ...group, values: new Map([...group.values].filter(([key]) => key in dockerTriggerSettings)) };
  const { values } = parseGroup(own, dockerTriggerSettings);
  const v = values as Record<string, number | boolean | undefined>;
  return {
    backupCount: (v.backupcount as number | undefined) ?? DEFAULT_UPDATE_SETTINGS.backupCount,
    prune: (v.prune as boolean | undefined) ?? false,
    rollbackWindowMs: ((v.rollbackwindow as number | undefined) ?? 60) * 1000,
    graceMs: ((v.graceseconds as number | undefined) ?? 10) * 1000,
    pollMs: DEFAULT_UPDATE_SETTINGS.pollMs,
    concurrency: (v.concurrency as number | undefined) ?? DEFAULT_UPDATE_SETTINGS.concurrency,
    phaseDelayMs: (v.phasedelayms as number | undefined) ?? 0,
    stopTimeoutSeconds: (v.stoptimeout as number | undefined) ?? 10,
    rollbackRetryDelaysMs: DEFAULT_UPDATE_SETTINGS.rollbackRetryDelaysMs,
    rollbackRecoveryDelaysMs: rollbackRecoveryDelays((v.rollbackretrydelay as number | undefined) ?? 60),
    operationTtlMs: ((v.operationttl as number | undefined) ?? 1800) * 1000,
    triggerName: group.name,
    dryRun: (v.dryrun as boolean | undefined) ?? false,
  };
}
