import { z } from 'zod';

const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((value) => (value === undefined ? fallback : value === 'true' || value === '1'));

/** Unix seconds (fractions allowed) or an ISO 8601 date, turned into the engine's unix seconds. */
export const sinceParam = z
  .string()
  .max(40)
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '' || value === '0') return 0;
    if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'expected unix seconds or an ISO 8601 date' });
      return z.NEVER;
    }
    return ms / 1000;
  })
  .describe('Unix timestamp (seconds) or ISO 8601 date; only logs after this time');

/** Upper bound of `tail`: the REST download is built in memory. */
export const MAX_TAIL = 100_000;

const tailParam = (fallback: number) =>
  z.coerce.number().int().min(0).max(MAX_TAIL).optional().transform((value) => value ?? fallback);

/** GET /api/v1/containers/:id/logs (seed 003). */
export const logDownloadQuery = z.object({
  stdout: booleanFlag(true).describe('Include stdout'),
  stderr: booleanFlag(true).describe('Include stderr'),
  tail: tailParam(1000).describe(`Lines from the end of the log (max ${MAX_TAIL})`),
  since: sinceParam,
  timestamps: booleanFlag(true).describe('Prefix lines with the engine timestamp'),
});

/** WS /api/v1/containers/:id/logs/stream (seed 003). */
export const logStreamQuery = z.object({
  stdout: booleanFlag(true),
  stderr: booleanFlag(true),
  tail: tailParam(100),
  since: sinceParam,
  follow: booleanFlag(true),
});

export type LogStreamQuery = z.output<typeof logStreamQuery>;
