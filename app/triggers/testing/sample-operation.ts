/**
 * An update operation as the bus carries it (its public view), ended the way `end` says (tests only).
 * The defaults describe web 1.2.0 → 1.3.0 on the local watcher.
 */
export function sampleOperation(
  end: 'succeeded' | 'rolled-back' | 'failed' | 'rollback-failed' | 'gave-up' | 'recovered' | 'in-progress' | 'expired',
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: 'op-1',
    kind: 'update',
    watcher: 'local',
    identity: '::local::web',
    containerName: 'web',
    containerId: 'old-id',
    newContainerId: 'new-id',
    triggerName: 'docker.local',
    fromVersion: '1.2.0',
    toVersion: '1.3.0',
    currentImage: 'sha256:1111',
    targetImage: '127.0.0.1:5000/app:1.3.0',
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:01:00.000Z',
    history: [{ phase: 'queued', at: '2026-01-01T10:00:00.000Z' }],
  };
  const ends: Record<typeof end, Record<string, unknown>> = {
    succeeded: { status: 'succeeded', phase: 'succeeded' },
    'rolled-back': { status: 'rolled-back', phase: 'rolled-back', rollbackReason: 'container exited (code 3)' },
    failed: { status: 'failed', phase: 'failed', lastError: 'pull failed: manifest unknown' },
    'rollback-failed': { status: 'failed', phase: 'rollback-failed', lastError: 'Rollback failed: engine said no (after: container exited)', rollbackReason: 'container exited' },
    'gave-up': {
      status: 'failed',
      phase: 'rollback-failed',
      lastError: 'Rollback retry 3 (automatic) failed: engine said no',
      rollbackRecovery: { attempts: 3, automaticAttempts: 3, gaveUpAt: '2026-01-01T11:00:00.000Z', gaveUpReason: 'retries-exhausted' },
    },
    recovered: { status: 'rolled-back', phase: 'rolled-back', rollbackRecovery: { attempts: 4, automaticAttempts: 3, recoveredAt: '2026-01-01T12:00:00.000Z' } },
    'in-progress': { status: 'in-progress', phase: 'health-gate' },
    expired: { status: 'expired', phase: 'expired' },
  };
  return { ...base, ...ends[end], ...overrides };
}
