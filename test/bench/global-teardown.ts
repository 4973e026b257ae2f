import { readFileSync, rmSync } from 'node:fs';
import { docker } from './exec.ts';
import { RUN_LABEL } from './images.ts';
import type { BenchState } from './state.ts';

/** Removes every container, network, volume and image the run labelled, and stops the registries. */
export default async function globalTeardown(): Promise<void> {
  const stateFile = process.env.DD_BENCH_STATE;
  if (!stateFile) return;
  let state: BenchState;
  try {
    state = JSON.parse(readFileSync(stateFile, 'utf8')) as BenchState;
  } catch {
    return;
  }
  if (process.env.DD_BENCH_TORN_DOWN === state.runId) return;
  process.env.DD_BENCH_TORN_DOWN = state.runId;
  const filter = `label=${RUN_LABEL}=${state.runId}`;
  const containers = (await docker('ps', '-aq', '--filter', filter).catch(() => '')).split('\n').filter(Boolean);
  if (containers.length > 0) await docker('rm', '-f', '-v', ...containers).catch(() => '');
  const networks = (await docker('network', 'ls', '-q', '--filter', filter).catch(() => '')).split('\n').filter(Boolean);
  if (networks.length > 0) await docker('network', 'rm', ...networks).catch(() => '');
  const volumes = (await docker('volume', 'ls', '-q', '--filter', filter).catch(() => '')).split('\n').filter(Boolean);
  if (volumes.length > 0) await docker('volume', 'rm', '-f', ...volumes).catch(() => '');
  const images = (await docker('images', '-q', '--filter', filter).catch(() => '')).split('\n').filter(Boolean);
  if (images.length > 0) await docker('rmi', '-f', ...new Set(images)).catch(() => '');
  for (const registry of [state.registry, state.securedRegistry]) {
    try {
      process.kill(registry.pid);
    } catch {
      // already gone
    }
  }
  rmSync(stateFile, { force: true });
}
