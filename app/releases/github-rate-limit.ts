import { parseRetryAfter } from '../registries/oci/retry-policy.ts';

type Headers = { get(name: string): string | null };

const DEFAULT_WAIT_MS = 60_000;
/** GitHub's primary limit resets within the hour; a longer wait is a bad header. */
const MAX_WAIT_MS = 60 * 60_000;

/**
 * When a response says the rate limit is hit, how long to stop asking (ms); undefined when it
 * does not. GitHub answers 429, or 403 with x-ratelimit-remaining: 0 (primary limit) or with
 * retry-after (secondary limit); a plain 403 is a permission problem, not a limit.
 */
export function rateLimitWait(status: number, headers: Headers, now: number): number | undefined {
  const exhausted = headers.get('x-ratelimit-remaining')?.trim() === '0';
  const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
  if (status !== 429 && !(status === 403 && (exhausted || retryAfter !== undefined))) return undefined;
  return clamp(retryAfter ?? untilReset(headers, now) ?? DEFAULT_WAIT_MS);
}

/** A successful answer that used the last request of the window: wait for the reset before the next. */
export function exhaustedWait(headers: Headers, now: number): number | undefined {
  if (headers.get('x-ratelimit-remaining')?.trim() !== '0') return undefined;
  return clamp(untilReset(headers, now) ?? DEFAULT_WAIT_MS);
}

/** x-ratelimit-reset is the end of the window in epoch seconds. */
function untilReset(headers: Headers, now: number): number | undefined {
  const reset = headers.get('x-ratelimit-reset')?.trim() ?? '';
  if (!/^\d{1,12}$/.test(reset)) return undefined;
  return Number(reset) * 1000 - now;
}

function clamp(ms: number): number {
  return Math.min(MAX_WAIT_MS, Math.max(1000, ms));
}
