import { readFileSync } from 'node:fs';
import type { RunningRegistry } from './registry-server.ts';

export interface BenchState {
  readonly runId: string;
  /** Open registry on loopback. */
  readonly registry: RunningRegistry;
  /** Registry behind htpasswd basic auth (credentials included). */
  readonly securedRegistry: RunningRegistry;
}

/** The shared bench started by the jest global setup. */
export function benchState(): BenchState {
  const file = process.env.DD_BENCH_STATE;
  if (!file) throw new Error('DD_BENCH_STATE is not set: integration tests must run through jest with the global setup');
  return JSON.parse(readFileSync(file, 'utf8')) as BenchState;
}
