import { oidcCallbackPath } from '../../config/load-auth-config.ts';

/**
 * The UI login page beside a provider's callback URL (same origin and path prefix, so it matches
 * what the operator registered): where the provider sends the browser back after logout.
 */
export function loginPageUrl(callbackUrl: string, providerName: string): string {
  const url = new URL(callbackUrl);
  const path = url.pathname.replace(/\/+$/, '');
  const suffix = oidcCallbackPath(providerName);
  const base = path.toLowerCase().endsWith(suffix) ? path.slice(0, path.length - suffix.length) : '';
  url.pathname = `${base}/login`;
  url.search = '';
  url.hash = '';
  return url.href;
}
