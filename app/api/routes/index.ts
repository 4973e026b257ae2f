import type { AppContext } from '../context.ts';
import type { RouteRegistry } from '../route-registry.ts';
import { registerContainerRoutes } from './containers.ts';
import { registerEventRoutes } from './events.ts';
import { registerLogRoutes } from './logs.ts';
import { registerMetricsRoutes } from './metrics.ts';
import { registerRegistryRoutes } from './registries.ts';
import { registerStatsRoutes } from './stats.ts';
import { registerSystemRoutes } from './system.ts';
import { registerWatcherRoutes } from './watchers.ts';

/** Every route module, in mount order. Adding a resource means adding one line here. */
export const routeModules: ReadonlyArray<(registry: RouteRegistry, context: AppContext) => void> = [
  registerSystemRoutes,
  // Live routes come early: static paths like /api/v1/containers/stats must win over /:id.
  registerStatsRoutes,
  registerLogRoutes,
  registerEventRoutes,
  registerMetricsRoutes,
  registerWatcherRoutes,
  registerRegistryRoutes,
  // Keep containers last among /api/v1/containers/* modules: its /:id would shadow their static paths.
  registerContainerRoutes,
];
