/** What the check needs of a request (an Express request fits). */
export interface OriginFacts {
  readonly method: string;
  /** The host the browser addressed (Express' req.host: Host, or X-Forwarded-Host from a trusted proxy). */
  readonly host: string | undefined;
  header(name: string): string | undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery guard for cookie-authenticated calls: SameSite=Lax already keeps the
 * cookie off cross-site POSTs, and this also refuses state-changing calls a browser marks as coming
 * from another site or origin (Sec-Fetch-Site, Origin). Requests without those headers are not
 * from a browser page and are let through.
 */
export function isCrossOriginWrite(request: OriginFacts, publicHost?: string): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return false;
  const site = request.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = request.header('origin');
  if (!origin) return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    return true;
  }
  const hosts = [request.host, publicHost].filter((host): host is string => Boolean(host)).map((host) => host.toLowerCase());
  return !hosts.includes(originHost);
}
