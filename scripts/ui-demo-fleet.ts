// A small, realistic fleet for the UI screenshots and the first-render bench: a loopback registry,
// a few containers on the real engine with minor/major/patch updates, one up to date, one whose
// check fails, one finished update, two notification triggers with local receivers — and the
// daemon watching only these containers (a label filter: the engine is shared with tests).
// Everything is removed by stop().
import bcrypt from 'bcryptjs';
import { startDaemon, type RunningDaemon } from '../test/bench/daemon.ts';
import { docker } from '../test/bench/exec.ts';
import { buildTestImage, ensureBaseImage, RUN_LABEL } from '../test/bench/images.ts';
import { startNtfyReceiver } from '../test/bench/receivers/ntfy-receiver.ts';
import { startReceiver, type Receiver } from '../test/bench/receivers/receiver.ts';
import { startRegistry, waitFor } from '../test/bench/registry-server.ts';

export interface DemoFleet {
  readonly daemon: RunningDaemon;
  /** Id of a container with an update waiting (for the container page). */
  readonly featuredId: string;
  /** Id of the container that was updated (phases, backup). */
  readonly updatedId: string | undefined;
  stop(): Promise<void>;
}

const APPS: ReadonlyArray<{ name: string; tags: string[] }> = [
  { name: 'web', tags: ['1.24.0', '1.25.1'] },
  { name: 'postgres', tags: ['15.4.0', '16.1.0'] },
  { name: 'redis', tags: ['7.2.3', '7.2.4'] },
  { name: 'worker', tags: ['2.0.0'] },
  { name: 'metrics', tags: ['0.9.1', '0.9.2'] },
];

export async function startDemoFleet(): Promise<DemoFleet> {
  const runId = `uidemo${Date.now().toString(36)}`;
  process.env.DD_TEST_RUN_ID = runId;
  const label = `${RUN_LABEL}=${runId}`;
  const scopeLabel = `dockdeck.demo-scope=${runId}`;
  await ensureBaseImage();
  const { registry, child } = await startRegistry();
  const receivers: Receiver[] = [];
  let daemon: RunningDaemon | undefined;
  const stop = async () => {
    await daemon?.stop();
    for (const receiver of receivers) await receiver.close();
    const ids = (await docker('ps', '-aq', '--filter', `label=${label}`)).split('\n').filter(Boolean);
    if (ids.length) await docker('rm', '-f', ...ids);
    const images = (await docker('images', '-q', '--filter', `label=${label}`)).split('\n').filter(Boolean);
    if (images.length) await docker('rmi', '-f', ...new Set(images)).catch(() => '');
    child.kill('SIGTERM');
  };
  try {
    for (const app of APPS) {
      for (const tag of app.tags) await buildTestImage({ reference: `${registry.address}/${app.name}:${tag}` });
      const name = `demo-${app.name}-${runId.slice(-4)}`;
      await docker('run', '-d', '--name', name, '--label', label, '--label', scopeLabel, '--label', 'dd.watch=true', '--label', 'dd.group=demo', `${registry.address}/${app.name}:${app.tags[0]}`);
    }
    // A check that fails: the image's registry does not exist.
    await buildTestImage({ reference: '127.0.0.1:9/legacy-app:3.1.0', push: false });
    await docker('run', '-d', '--name', `demo-legacy-${runId.slice(-4)}`, '--label', label, '--label', scopeLabel, '--label', 'dd.watch=true', '127.0.0.1:9/legacy-app:3.1.0');

    // Notifications go to local receivers: a phone (ntfy) for updates and failures, a webhook for results.
    const ntfyToken = 'tk_demo_fleet';
    const ntfy = await startNtfyReceiver({ token: ntfyToken });
    receivers.push(ntfy);
    const webhook = await startReceiver(() => null);
    receivers.push(webhook);

    daemon = await startDaemon({
      DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
      DD_WATCHER_LOCAL_WATCHBYDEFAULT: 'false',
      DD_WATCHER_LOCAL_LABELFILTER: scopeLabel,
      DD_REGISTRY_CUSTOM_DEMO_URL: registry.url,
      DD_TRIGGER_DOCKER_LOCAL_AUTO: 'false',
      DD_TRIGGER_DOCKER_LOCAL_GRACESECONDS: '1',
      DD_TRIGGER_NTFY_PHONE_URL: ntfy.url,
      DD_TRIGGER_NTFY_PHONE_TOPIC: 'homelab-updates',
      DD_TRIGGER_NTFY_PHONE_TOKEN: ntfyToken,
      DD_TRIGGER_NTFY_PHONE_THRESHOLD: 'minor',
      DD_TRIGGER_NTFY_PHONE_EVENTS: 'update-available,update-failed,rollback-failed',
      DD_TRIGGER_HTTP_AUDIT_URL: `${webhook.url}/dockdeck`,
      DD_TRIGGER_HTTP_AUDIT_EVENTS: 'update-applied,update-failed,rollback-failed',
      DD_LOG_LEVEL: 'warn',
    });
    const url = daemon.url;
    const list = async () => ((await (await fetch(`${url}/api/v1/containers/watch`, { method: 'POST' })).json()) as { data: Array<{ id: string; name: string }> }).data;
    const watched = await list();
    const find = (app: string) => watched.find((c) => c.name.startsWith(`demo-${app}-`));
    // One finished update, so the dashboard and the operations page have history.
    const metrics = find('metrics');
    if (metrics) {
      const started = (await (await fetch(`${url}/api/v1/containers/${metrics.id}/update`, { method: 'POST' })).json()) as { operationId?: string };
      if (started.operationId) {
        await waitFor(async () => {
          const op = (await (await fetch(`${url}/api/v1/update-operations/${started.operationId}`)).json()) as { status: string };
          return ['succeeded', 'rolled-back', 'failed'].includes(op.status);
        }, 60_000, 'demo update');
      }
    }
    const featured = find('web');
    if (!featured) throw new Error('the demo fleet is not watched');
    const now = ((await (await fetch(`${url}/api/v1/containers`)).json()) as { data: Array<{ id: string; name: string }> }).data;
    const updated = now.find((c) => c.name.startsWith('demo-metrics-'));
    return { daemon, featuredId: featured.id, updatedId: updated?.id, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A daemon that asks for a password, for the sign-in page (it watches nothing). Stop it when done. */
export async function startSignInDaemon(): Promise<RunningDaemon> {
  return startDaemon({
    DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
    DD_WATCHER_LOCAL_LABELFILTER: `dockdeck.demo-scope=none-${Date.now().toString(36)}`,
    DD_WATCHER_LOCAL_WATCHATSTART: 'false',
    DD_AUTH_BASIC_ADMIN_USER: 'admin',
    DD_AUTH_BASIC_ADMIN_HASH: bcrypt.hashSync('demo password', 6),
    DD_LOG_LEVEL: 'warn',
  });
}
