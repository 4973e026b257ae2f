import { z } from 'zod';
import { describeRegistries } from '../../registries/registry-descriptions.ts';
import type { AppContext } from '../context.ts';
import type { RouteRegistry } from '../route-registry.ts';

export const registryListSchema = z.object({
  data: z.array(
    z.object({
      id: z.string().describe('provider.name, e.g. ghcr.public or custom.local'),
      provider: z.string(),
      name: z.string(),
      url: z.string().describe('API base URL; empty for providers serving many hosts'),
      hosts: z.string().describe('Image hosts this registry answers for'),
      builtIn: z.boolean().describe('Built-in anonymous access to a public registry'),
      credentials: z.boolean().describe('Whether credentials are configured (they are never shown)'),
      caFile: z.boolean(),
      insecure: z.boolean(),
      maxRequests: z.number().describe('Request budget per watch cycle'),
    }),
  ),
  total: z.number(),
});

/** GET /api/v1/registries: configured and built-in registries; credentials are never shown. */
export function registerRegistryRoutes(api: RouteRegistry, context: AppContext): void {
  api.add({
    method: 'get',
    path: '/api/v1/registries',
    tag: 'registries',
    summary: 'Registries: configured ones first, then the built-in public ones (credentials never shown)',
    responses: { 200: { description: 'The registries', schema: registryListSchema } },
    handler: () => {
      const data = context.registries?.listRegistries() ?? describeRegistries(context.config.registries);
      return { data, total: data.length };
    },
  });
}
