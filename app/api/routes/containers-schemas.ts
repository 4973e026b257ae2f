import { z } from 'zod';
import { KIND_FILTERS, MATURITY_FILTERS, MAX_LIMIT, STATUS_FILTERS } from '../../core/container-query.ts';
import { RUNTIME_STATES, UPDATE_KINDS } from '../../core/container.ts';

/** Zod schemas of the containers API: they validate requests and document responses (OpenAPI). */

export const errorSchema = z.object({ error: z.string(), code: z.string() });

const updateKindSchema = z.object({ kind: z.enum(UPDATE_KINDS), localValue: z.string(), remoteValue: z.string() });

export const containerSchema = z.object({
  id: z.string(),
  name: z.string(),
  watcher: z.string(),
  agent: z.string().optional(),
  status: z.enum(RUNTIME_STATES),
  health: z.string().optional(),
  displayName: z.string(),
  displayIcon: z.string(),
  group: z.string().optional(),
  labels: z.record(z.string(), z.string()).describe('The container labels; sensitive values (by key, as for env, or credential-shaped) as ***'),
  watched: z.boolean(),
  includeTags: z.string().optional(),
  excludeTags: z.string().optional(),
  transformTags: z.string().optional(),
  linkTemplate: z.string().optional(),
  triggerInclude: z.string().optional(),
  triggerExclude: z.string().optional(),
  image: z.object({
    id: z.string(),
    registry: z.object({ name: z.string(), url: z.string() }),
    name: z.string(),
    tag: z.object({ value: z.string(), semver: z.boolean() }),
    digest: z.object({ watch: z.boolean(), repoDigests: z.array(z.string()), value: z.string().optional() }),
    architecture: z.string(),
    os: z.string(),
    variant: z.string().optional(),
    created: z.string().optional(),
    source: z.string().optional().describe("The image's org.opencontainers.image.source label (where release notes are looked up)"),
  }),
  result: z.object({ tag: z.string(), digest: z.string().optional(), created: z.string().optional(), link: z.string().optional() }).optional(),
  updateKind: updateKindSchema.nullable(),
  updateAvailable: z.boolean(),
  checkStatus: z.enum(['ok', 'unknown', 'pending']).describe('unknown: the last check failed (see error); the last good result is kept'),
  error: z.object({ message: z.string(), code: z.string().optional(), at: z.string() }).optional(),
  lastCheckedAt: z.string().optional(),
  updateDetectedAt: z.string().optional(),
  createdAt: z.string().optional(),
});

export const pageSchema = z.object({
  data: z.array(containerSchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  hasMore: z.boolean(),
});

/** One watcher's run as POST /containers/watch reports it: `error` when the run failed (engine unreachable or timed out). */
export const watchRunSchema = z.object({
  watcher: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number(),
  checked: z.number().int(),
  errors: z.number().int(),
  error: z.string().optional(),
});

export const watchResultSchema = pageSchema.extend({ runs: z.array(watchRunSchema) });

const SORTS = ['name', '-name', 'status', '-status', 'age', '-age', 'created', '-created'] as const;
const MAX_IDS = 500;

export const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(0).max(MAX_LIMIT).default(0).describe(`Maximum number of containers (0 = unbounded; max ${MAX_LIMIT})`),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0).describe('Number of matching containers to skip'),
  sort: z.enum(SORTS).optional().describe('name, status, age (of the available update), created; prefix - for descending'),
  order: z.enum(['asc', 'desc']).optional().describe('Sort direction override'),
  status: z.enum(STATUS_FILTERS).optional().describe('Update or runtime status'),
  kind: z.enum(KIND_FILTERS).optional().describe('Update kind or watched state'),
  watcher: z.string().min(1).max(64).optional().describe('Watcher name'),
  maturity: z.enum(MATURITY_FILTERS).optional().describe('Age of the available update: hot, mature, established'),
  containerIds: z
    .string()
    .max(MAX_IDS * 130)
    .transform((value) => value.split(',').map((id) => id.trim()).filter(Boolean))
    .refine((ids) => ids.length <= MAX_IDS && ids.every((id) => id.length <= 128), `at most ${MAX_IDS} ids of at most 128 characters`)
    .optional()
    .describe('Comma-separated container ids'),
  includeVulnerabilities: z.enum(['true', 'false']).optional().describe('Accepted for compatibility; no vulnerability data yet'),
});

export const idParams = z.object({ id: z.string().min(1).max(128) });

export const watchQuerySchema = z.object({
  watcher: z.string().min(1).max(64).optional().describe('Watch only this watcher'),
});

export const summarySchema = z.object({
  containers: z.object({ total: z.number().int(), running: z.number().int(), stopped: z.number().int() }),
  security: z.object({ issues: z.number().int() }),
  hotUpdates: z.number().int().describe('Updates younger than 24 hours'),
  matureUpdates: z.number().int().describe('Updates between 24 hours and DD_UI_MATURITY_THRESHOLD_DAYS'),
  updates: z.object({
    total: z.number().int(),
    major: z.number().int(),
    minor: z.number().int(),
    patch: z.number().int(),
    prerelease: z.number().int(),
    digest: z.number().int(),
  }),
  unknown: z.number().int().describe('Watched containers whose last check failed'),
  upToDate: z.number().int(),
});
