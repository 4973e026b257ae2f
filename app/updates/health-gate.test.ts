import { describe, expect, it } from '@jest/globals';
import type { ContainerInspect } from './container-spec.ts';
import { runHealthGate } from './health-gate.ts';
import { DEFAULT_UPDATE_SETTINGS, rollbackLabels } from './settings.ts';
import type { UpdateEngine } from './update-engine.ts';

/** An engine whose container goes through the given states, one per inspect. */
function engineWith(states: Array<Partial<ContainerInspect['State']> & { restarts?: number }>): UpdateEngine {
  let index = 0;
  return {
    inspectContainer: async () => {
      const state = states[Math.min(index++, states.length - 1)]!;
      return { Id: 'new', Name: '/web', Image: 'i', Config: { Image: 'x' }, HostConfig: {}, NetworkSettings: {}, RestartCount: state.restarts ?? 0, State: { Running: true, Status: 'running', ...state } } as ContainerInspect;
    },
  } as unknown as UpdateEngine;
}

function clock() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

describe('health gate', () => {
  const options = { windowMs: 10_000, graceMs: 3000, pollMs: 500 };

  it('passes a container without healthcheck that stays up for the grace period', async () => {
    expect(await runHealthGate(engineWith([{}]), 'new', { ...options, ...clock() })).toEqual({ passed: true });
  });

  it('fails on exit or on a restart during the grace period', async () => {
    const exited = await runHealthGate(engineWith([{}, {}, { Running: false, Status: 'exited', ExitCode: 3 }]), 'new', { ...options, ...clock() });
    expect(exited).toEqual({ passed: false, reason: 'New container exited (status exited, exit code 3)' });
    const restarting = await runHealthGate(engineWith([{}, {}, { restarts: 1 }]), 'new', { ...options, ...clock() });
    expect(restarting).toEqual({ passed: false, reason: 'New container is restarting' });
  });

  it('waits for healthy, fails on unhealthy or when the window ends', async () => {
    const starting = { Health: { Status: 'starting' } };
    expect(await runHealthGate(engineWith([starting, starting, { Health: { Status: 'healthy' } }]), 'new', { ...options, ...clock() })).toEqual({ passed: true });
    expect(await runHealthGate(engineWith([starting, { Health: { Status: 'unhealthy' } }]), 'new', { ...options, ...clock() })).toEqual({
      passed: false,
      reason: 'Health check failed',
    });
    expect(await runHealthGate(engineWith([starting]), 'new', { ...options, ...clock() })).toEqual({ passed: false, reason: 'Health check did not pass within 10s' });
  });

  it('reads dd.rollback.window and dd.rollback.auto, ignoring bad values', () => {
    expect(rollbackLabels({ 'dd.rollback.window': '30', 'dd.rollback.auto': 'false' }, DEFAULT_UPDATE_SETTINGS)).toEqual({ windowMs: 30_000, auto: false });
    expect(rollbackLabels({ 'dd.rollback.window': '-1' }, DEFAULT_UPDATE_SETTINGS)).toEqual({ windowMs: DEFAULT_UPDATE_SETTINGS.rollbackWindowMs, auto: true });
    expect(rollbackLabels(undefined, DEFAULT_UPDATE_SETTINGS).auto).toBe(true);
  });
});
