import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from './exec.ts';
import { ensureBaseImage } from './images.ts';
import { startRegistry } from './registry-server.ts';

/**
 * Starts what integration tests share: a check that the real engine answers, two registries on
 * loopback (open, and behind htpasswd) and the busybox base image. Under CI (or
 * DD_REQUIRE_REAL_ENGINE=1) a missing engine or registry fails the run; it is never skipped.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DD_BENCH_STATE) return; // a second project in the same run reuses the bench
  const runId = `r${Date.now().toString(36)}`;
  process.env.DD_TEST_RUN_ID = runId;
  try {
    await docker('version', '--format', '{{.Server.Version}}');
  } catch (error) {
    throw new Error(`The Docker engine is not reachable (run scripts/provision.sh): ${(error as Error).message}`);
  }
  await ensureBaseImage();
  const open = await startRegistry();
  const credentials = { user: 'dduser', password: `pw-${runId}` };
  const secured = await startRegistry({ credentials });
  await docker('login', secured.registry.address, '-u', credentials.user, '-p', credentials.password);
  const state = { runId, registry: open.registry, securedRegistry: secured.registry };
  const stateFile = join(tmpdir(), `dockdeck-bench-${runId}.json`);
  writeFileSync(stateFile, JSON.stringify(state));
  process.env.DD_BENCH_STATE = stateFile;
}
