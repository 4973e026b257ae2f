import { z } from 'zod';

/** Request and response shapes of the Compose export routes (seed 002, "Export Configuration"). */

export const MAX_BATCH_EXPORT = 100;

const options = {
  sanitize_secrets: z.boolean().default(true).describe('Replace sensitive environment values with ${NAME} placeholders (default true); false is rate-limited and audited like env reveal'),
  include_volumes: z.boolean().default(true).describe('Include volumes, binds and the top-level volumes section (default true)'),
  include_networks: z.boolean().default(true).describe('Include user networks with aliases and static IPs (default true)'),
};

export const exportBodySchema = z.object(options).strict();

export const batchExportBodySchema = z
  .object({
    container_ids: z.array(z.string().min(1).max(128)).min(1).max(MAX_BATCH_EXPORT).describe(`Container ids or names to export (1-${MAX_BATCH_EXPORT})`),
    // A Compose project name: lowercase letters, digits, '-' and '_' (it also names the files).
    stack_name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'a Compose project name: lowercase letters, digits, - and _, at most 63 characters')
      .default('exported-stack')
      .describe('Compose project name (default exported-stack)'),
    ...options,
  })
  .strict();

export const exportQuerySchema = z.object({
  format: z.enum(['json', 'zip']).default('json').describe('json (default): the export as JSON; zip: an archive of the Compose file and its .env'),
});

export const exportResultSchema = z.object({
  format: z.literal('docker-compose'),
  content: z.string().describe('The Compose file (YAML)'),
  filename: z.string(),
  warnings: z.array(z.string()).describe('What could not be exported as it is, and each sanitized secret'),
  env_content: z.string().describe('The .env file: one NAME= line per sanitized secret, never a value'),
  env_filename: z.string(),
});
