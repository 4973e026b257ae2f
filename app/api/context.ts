import type { AuthServices } from '../auth/auth-services.ts';
import type { Config } from '../config/load-config.ts';
import type { EngineConnection } from '../engine/engine-connection.ts';
import type { EventBus } from '../events/bus.ts';
import type { LifecycleServices } from '../lifecycle/create-lifecycle.ts';
import type { Logger } from '../log.ts';
import type { RegistryDescription } from '../registries/registry-descriptions.ts';
import type { ReleaseNotesService } from '../releases/release-notes-service.ts';
import type { WatchService } from '../scheduler/watch-service.ts';
import type { Store } from '../store/store.ts';
import type { TriggerService } from '../triggers/trigger-service.ts';
import type { UpdateService } from '../updates/update-service.ts';
import type { LiveServices } from './sse/live-services.ts';

/** What the HTTP layer may use. Built by main.ts; routes never construct services themselves. */
export interface AppContext {
  readonly version: string;
  readonly startedAt: Date;
  readonly config: Config;
  readonly store: Store;
  readonly bus: EventBus;
  readonly logger: Logger;
  /** Engine connections by watcher name. */
  readonly engines: ReadonlyMap<string, EngineConnection>;
  /** SSE streams, stats collection (absent: the live routes answer 503). */
  readonly live?: LiveServices;
  /** Watchers, schedules and event streams (absent: watch routes answer 503, lists read the store). */
  readonly watch?: WatchService;
  /** Notification triggers, outbox (absent: trigger routes answer 503). */
  readonly triggers?: TriggerService;
  /** Registry listing (absent: GET /api/v1/registries describes the configuration). */
  readonly registries?: { listRegistries(): RegistryDescription[] };
  /** Update operations, backups and rollbacks (absent: those routes answer 503). */
  readonly updates?: UpdateService;
  /** Start, stop, restart of one container and in bulk (absent: those routes answer 503). */
  readonly lifecycle?: LifecycleServices;
  /** Release notes of available updates from GitHub (absent: that route answers 503). */
  readonly releaseNotes?: ReleaseNotesService;
  /** Sign-in (sessions, Basic, OIDC); createApp builds it from the configuration when absent. */
  readonly auth?: AuthServices;
}
