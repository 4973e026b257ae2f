import type { AppContext } from '../context.ts';
import type { RouteRegistry } from '../route-registry.ts';
import { registerAuthRoutes } from './auth.ts';
import { registerContainerRoutes } from './containers.ts';
import { registerEventRoutes } from './events.ts';
import { registerExportRoutes } from './export.ts';
import { registerLogRoutes } from './logs.ts';
import { registerMetricsRoutes } from './metrics.ts';
import { registerRegistryRoutes } from './registries.ts';
import { registerStatsRoutes } from './stats.ts';
import { registerSystemRoutes } from './system.ts';
import { registerWatcherRoutes } from './watchers.ts';
import { registerTriggerRoutes } from './triggers.ts';
import { registerBackupRoutes } from './backups.ts';
import { registerLifecycleRoutes } from './lifecycle.ts';
import { registerBulkLifecycleRoutes } from './bulk-lifecycle.ts';
import { registerUpdatePolicyRoutes } from './update-policy.ts';
import { registerUpdateRoutes } from './updates.ts';
import { registerReleaseNotesRoutes } from './release-notes.ts';

/** Every route module, in mount order. Adding a resource means adding one line here. */
export const routeModules: ReadonlyArray<(registry: RouteRegistry, context: AppContext) => void> = [
  registerSystemRoutes,
  registerAuthRoutes,
  // Live routes come early: static paths like /api/v1/containers/stats must win over /:id.
  registerStatsRoutes,
  registerLogRoutes,
  registerEventRoutes,
  registerMetricsRoutes,
  registerWatcherRoutes,
  registerRegistryRoutes,
  // Updates, backups (static /containers/backups), policy and lifecycle: before containers' /:id.
  registerBackupRoutes,
  registerUpdateRoutes,
  registerUpdatePolicyRoutes,
  registerLifecycleRoutes,
  registerBulkLifecycleRoutes,
  // Compose export: static /containers/batch/export before its own /:id/export.
  registerExportRoutes,
  registerReleaseNotesRoutes,
  // Keep containers last among /api/v1/containers/* modules: its /:id would shadow their static paths.
  registerTriggerRoutes,
  registerContainerRoutes,
];
