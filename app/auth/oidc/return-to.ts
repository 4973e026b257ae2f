/**
 * Where to send the browser after login: a path of this site only (never `//host` or `/\host`,
 * which browsers read as another site), else the dashboard.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 1024) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f\\]/.test(value)) return '/';
  return value;
}
