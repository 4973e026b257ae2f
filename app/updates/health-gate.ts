import type { UpdateEngine } from './update-engine.ts';

export interface HealthGateOptions {
  /** With a HEALTHCHECK: how long to wait for `healthy`. */
  readonly windowMs: number;
  /** Without one: how long the container must stay up. */
  readonly graceMs: number;
  readonly pollMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export type GateResult = { readonly passed: true } | { readonly passed: false; readonly reason: string };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Decides whether the new container is good: healthy within the window when it has a healthcheck,
 * otherwise running without exits or restarts for the whole grace period.
 */
export async function runHealthGate(engine: UpdateEngine, containerId: string, options: HealthGateOptions): Promise<GateResult> {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const first = await engine.inspectContainer(containerId);
  if (!first) return { passed: false, reason: 'New container disappeared' };
  const restarts = first.RestartCount ?? 0;
  const hasHealthcheck = Boolean(first.State.Health);
  const deadline = now() + (hasHealthcheck ? options.windowMs : options.graceMs);
  for (;;) {
    const current = await engine.inspectContainer(containerId);
    if (!current) return { passed: false, reason: 'New container disappeared' };
    const state = current.State;
    if (!state.Running || state.Restarting) {
      return { passed: false, reason: `New container exited (status ${state.Status}, exit code ${state.ExitCode ?? 'unknown'})` };
    }
    if ((current.RestartCount ?? 0) > restarts) return { passed: false, reason: 'New container is restarting' };
    if (hasHealthcheck) {
      const health = state.Health?.Status;
      if (health === 'healthy') return { passed: true };
      if (health === 'unhealthy') return { passed: false, reason: 'Health check failed' };
      if (now() >= deadline) return { passed: false, reason: `Health check did not pass within ${Math.round(options.windowMs / 1000)}s` };
    } else if (now() >= deadline) {
      return { passed: true };
    }
    await sleep(options.pollMs);
  }
}
