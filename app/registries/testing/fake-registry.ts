import { createHash } from 'node:crypto';
import type { FetchLike, HttpResponseLike } from '../oci/http-port.ts';

export interface FakeRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
}

export type FakeHandler = (request: FakeRequest) => Response | 'hang' | Promise<Response | 'hang'>;

/** A fetch that answers from a handler and records every call (for unit tests; no I/O). */
export function fakeFetch(handler: FakeHandler): { fetch: FetchLike; calls: FakeRequest[] } {
  const calls: FakeRequest[] = [];
  const fetch: FetchLike = async (url, init) => {
    const request = { method: init.method, url: new URL(url), headers: init.headers };
    calls.push(request);
    const answer = await handler(request);
    if (answer === 'hang') {
      return new Promise<HttpResponseLike>((_resolve, reject) => {
        init.signal.addEventListener('abort', () => reject(init.signal.reason as Error), { once: true });
      });
    }
    return answer as unknown as HttpResponseLike;
  };
  return { fetch, calls };
}

export const json = (body: unknown, init: { status?: number; headers?: Record<string, string> } = {}) =>
  new Response(JSON.stringify(body), { status: init.status ?? 200, headers: { 'content-type': 'application/json', ...init.headers } });

export const status = (code: number, headers: Record<string, string> = {}) => new Response(null, { status: code, headers });

export function digestOf(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** A manifest (or index) body with its digest and media type, served by HEAD and GET. */
export interface FakeManifest {
  readonly body: string;
  readonly digest: string;
  readonly mediaType: string;
}

export function manifest(content: string): FakeManifest {
  const body = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: { digest: digestOf(content) } });
  return { body, digest: digestOf(body), mediaType: 'application/vnd.docker.distribution.manifest.v2+json' };
}

export function index(entries: Array<{ digest: string; platform?: { os: string; architecture: string; variant?: string }; mediaType?: string; annotations?: Record<string, string> }>): FakeManifest {
  const mediaType = 'application/vnd.oci.image.index.v1+json';
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType,
    manifests: entries.map((entry) => ({ mediaType: entry.mediaType ?? 'application/vnd.oci.image.manifest.v1+json', size: 100, ...entry })),
  });
  return { body, digest: digestOf(body), mediaType };
}

/** Answers a manifest request (HEAD or GET, by tag or digest) from a table. */
export function serveManifest(request: FakeRequest, manifests: Record<string, FakeManifest>): Response {
  const reference = request.url.pathname.split('/manifests/')[1] ?? '';
  const found = manifests[reference] ?? Object.values(manifests).find((m) => m.digest === reference);
  if (!found) return status(404);
  const headers = { 'content-type': found.mediaType, 'docker-content-digest': found.digest };
  return new Response(request.method === 'HEAD' ? null : found.body, { status: 200, headers });
}
