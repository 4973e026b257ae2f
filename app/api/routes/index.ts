import type { AppContext } from '../context.ts';
import type { RouteRegistry } from '../route-registry.ts';
import { registerSystemRoutes } from './system.ts';

/** Every route module, in mount order. Adding a resource means adding one line here. */
export const routeModules: ReadonlyArray<(registry: RouteRegistry, context: AppContext) => void> = [registerSystemRoutes];
