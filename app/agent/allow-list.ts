/**
 * The Engine API calls an agent relays: exactly the ones dockdeck itself makes (watching,
 * updates with rollback, stats, logs, lifecycle). Everything else (exec, attach, build, swarm,
 * plugins, secrets, prune, archive copies, …) is denied.
 *
 * The matcher works on the raw request target and refuses anything the engine could route
 * differently than we read it: dot segments, empty segments, percent-encoding or backslashes in
 * the path, absolute-form targets, lower-case methods.
 */

export type AllowDecision =
  | { readonly allowed: true; readonly endpoint: string }
  | { readonly allowed: false; readonly reason: string };

interface Rule {
  readonly method: string;
  /** Matched against the path without the optional /v1.xx prefix and without the query. */
  readonly path: RegExp;
  readonly endpoint: string;
  /** When set, the only query parameters this call may carry. */
  readonly query?: ReadonlySet<string>;
}

/** A container id or name (names never contain slashes). */
const ID = '[A-Za-z0-9][A-Za-z0-9_.-]*';
/** An image reference as dockerode puts it in a path: registry host, port, repository path, tag, digest. */
const IMAGE = '[A-Za-z0-9][A-Za-z0-9_.:@/-]*';

const rule = (method: string, path: string, endpoint: string, query?: readonly string[]): Rule => ({
  method,
  path: new RegExp(`^${path}$`),
  endpoint,
  ...(query ? { query: new Set(query) } : {}),
});

export const ALLOWED_ENDPOINTS: readonly Rule[] = [
  rule('GET', '/_ping', 'ping'),
  rule('HEAD', '/_ping', 'ping'),
  rule('GET', '/version', 'version'),
  rule('GET', '/info', 'info'),
  rule('GET', '/events', 'events'),
  rule('GET', '/containers/json', 'container list'),
  rule('POST', '/containers/create', 'container create'),
  rule('GET', `/containers/${ID}/json`, 'container inspect'),
  rule('POST', `/containers/${ID}/start`, 'container start'),
  rule('POST', `/containers/${ID}/stop`, 'container stop'),
  rule('POST', `/containers/${ID}/restart`, 'container restart'),
  rule('POST', `/containers/${ID}/rename`, 'container rename'),
  rule('POST', `/containers/${ID}/wait`, 'container wait'),
  rule('DELETE', `/containers/${ID}`, 'container remove'),
  rule('GET', `/containers/${ID}/logs`, 'container logs'),
  rule('GET', `/containers/${ID}/stats`, 'container stats'),
  // Only pulls: fromSrc (import a tarball or fetch a URL) and repo/changes/message are refused.
  rule('POST', '/images/create', 'image pull', ['fromImage', 'tag', 'platform']),
  rule('GET', `/images/${IMAGE}/json`, 'image inspect'),
  rule('POST', `/images/${IMAGE}/tag`, 'image tag'),
  rule('DELETE', `/images/${IMAGE}`, 'image remove'),
  rule('GET', '/networks', 'network list'),
  rule('GET', `/networks/${ID}`, 'network inspect'),
  rule('POST', `/networks/${ID}/connect`, 'network connect'),
  rule('POST', `/networks/${ID}/disconnect`, 'network disconnect'),
  rule('GET', '/volumes', 'volume list'),
  rule('GET', `/volumes/${ID}`, 'volume inspect'),
];

const MAX_TARGET_LENGTH = 4096;
const VERSION_PREFIX = /^\/v\d{1,2}\.\d{1,3}(?=\/)/;
const SAFE_PATH = /^[A-Za-z0-9_.:@/-]+$/;

/** Decides whether a request (method as sent, raw request target) may reach the engine. */
export function matchAllowed(method: string, target: string): AllowDecision {
  if (target.length > MAX_TARGET_LENGTH) return deny('request target too long');
  if (!target.startsWith('/')) return deny('request target must be a path');
  const queryAt = target.indexOf('?');
  const rawPath = queryAt < 0 ? target : target.slice(0, queryAt);
  const rawQuery = queryAt < 0 ? '' : target.slice(queryAt + 1);
  if (!SAFE_PATH.test(rawPath)) return deny('path contains encoded or unexpected characters');
  const path = rawPath.replace(VERSION_PREFIX, '');
  const segments = path.split('/').slice(1);
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return deny('path contains empty or dot segments');
  }
  const found = ALLOWED_ENDPOINTS.find((candidate) => candidate.method === method && candidate.path.test(path));
  if (!found) return deny(`${method} ${path} is not an endpoint dockdeck uses`);
  if (found.query) {
    for (const key of new URLSearchParams(rawQuery).keys()) {
      if (!found.query.has(key)) return deny(`query parameter '${key}' is not allowed for ${found.endpoint}`);
    }
  }
  return { allowed: true, endpoint: found.endpoint };
}

function deny(reason: string): AllowDecision {
  return { allowed: false, reason: reason.length > 200 ? `${reason.slice(0, 200)}…` : reason };
}
