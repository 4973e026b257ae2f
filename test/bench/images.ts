import { mkdir, mkdtemp, rm, symlink, copyFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOCKER, exec } from './exec.ts';

export const BASE_IMAGE = 'dockdeck-test-base:busybox';
/** Label put on everything a test run creates, so teardown can remove it even after a failure. */
export const RUN_LABEL = 'dockdeck.test-run';

/** PID 1 that exits at once on SIGTERM, so `docker stop` never waits for its timeout. */
export const DEFAULT_CMD = ['/bin/sh', '-c', "trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done"];

/** Imports a tiny busybox root file system as the base of every test image (once per engine). */
export async function ensureBaseImage(): Promise<void> {
  const existing = await exec(DOCKER, ['images', '-q', BASE_IMAGE]);
  if (existing) return;
  const root = await mkdtemp(join(tmpdir(), 'dockdeck-base-'));
  try {
    await mkdir(join(root, 'bin'));
    await mkdir(join(root, 'tmp'));
    await mkdir(join(root, 'data'));
    await copyFile('/bin/busybox', join(root, 'bin/busybox'));
    const applets = (await exec('/bin/busybox', ['--list'])).split('\n').filter((a) => a && a !== 'busybox');
    await Promise.all(applets.map((applet) => symlink('busybox', join(root, 'bin', applet))));
    await exec('/bin/sh', ['-c', `tar -C "$0" -c . | ${DOCKER} import -c 'CMD ["/bin/sh"]' - "$1"`, root, BASE_IMAGE]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export interface TestImageOptions {
  /** Full reference, e.g. 127.0.0.1:5000/app:1.0.0 */
  readonly reference: string;
  /** Content that makes this tag's digest unique. */
  readonly content?: string;
  readonly cmd?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Shell command of a HEALTHCHECK; absent means no healthcheck. */
  readonly healthcheck?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly platform?: string;
  readonly push?: boolean;
}

/** Builds a busybox-based image whose digest differs per content, and pushes it unless told not to. */
export async function buildTestImage(options: TestImageOptions): Promise<void> {
  const context = await mkdtemp(join(tmpdir(), 'dockdeck-image-'));
  try {
    await writeFile(join(context, 'version'), `${options.content ?? options.reference}\n${Date.now()}-${Math.random()}\n`);
    const lines = [`FROM ${BASE_IMAGE}`, 'COPY version /version'];
    for (const [key, value] of Object.entries(options.env ?? {})) lines.push(`ENV ${key}=${JSON.stringify(value)}`);
    for (const [key, value] of Object.entries(options.labels ?? {})) lines.push(`LABEL ${JSON.stringify(key)}=${JSON.stringify(value)}`);
    if (options.healthcheck) {
      lines.push(`HEALTHCHECK --interval=1s --timeout=1s --start-period=1s --retries=2 CMD ${options.healthcheck}`);
    }
    lines.push(`CMD ${JSON.stringify(options.cmd ?? DEFAULT_CMD)}`);
    await writeFile(join(context, 'Dockerfile'), `${lines.join('\n')}\n`);
    const runId = process.env.DD_TEST_RUN_ID ?? 'manual';
    const args = ['build', '-q', '--label', `${RUN_LABEL}=${runId}`, '-t', options.reference];
    if (options.platform) args.push('--platform', options.platform);
    await exec('/usr/bin/env', ['DOCKER_BUILDKIT=0', DOCKER, ...args, context]);
    if (options.push !== false) await exec(DOCKER, ['push', '-q', options.reference]);
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

/** A name unique to this test run, for containers, networks, volumes and repositories. */
export function uniqueName(prefix: string): string {
  const runId = process.env.DD_TEST_RUN_ID ?? 'manual';
  return `${prefix}-${runId}-${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
}
