import type { ReleaseFetch, ReleaseFetchResponse } from '../types.ts';

export interface FakeCall {
  readonly url: URL;
  readonly headers: Record<string, string>;
}

export type FakeAnswer = Response | 'hang' | 'refuse';

/** A fetch that answers from a handler and records every call (unit tests; no I/O). */
export function fakeFetch(handler: (call: FakeCall) => FakeAnswer | Promise<FakeAnswer>): { fetch: ReleaseFetch; calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  const fetch: ReleaseFetch = async (url, init) => {
    const call = { url: new URL(url), headers: init.headers };
    calls.push(call);
    const answer = await handler(call);
    if (answer === 'refuse') throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    if (answer === 'hang') {
      return new Promise<ReleaseFetchResponse>((_resolve, reject) => {
        init.signal.addEventListener('abort', () => reject(init.signal.reason as Error), { once: true });
      });
    }
    return answer as unknown as ReleaseFetchResponse;
  };
  return { fetch, calls };
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** A GitHub release object with the fields dockdeck reads (and some it ignores). */
export function githubRelease(tag: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 1,
    tag_name: tag,
    name: `Release ${tag}`,
    body: `## Changes in ${tag}\r\n- fixed things`,
    html_url: `https://github.com/acme/app/releases/tag/${tag}`,
    published_at: '2026-01-02T03:04:05Z',
    prerelease: false,
    draft: false,
    assets: [],
    author: { login: 'someone' },
    ...overrides,
  };
}
