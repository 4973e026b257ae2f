import { checkObject, isArrayOf, isBoolean, isIntegerIn, isNonEmptyString, isObjectWith, isString, parseJson, startReceiver, type Receiver } from './receiver.ts';

const isUrl = (value: unknown) => typeof value === 'string' && /^https?:\/\/\S+$/.test(value);

const actionFields = {
  action: (value: unknown) => value === 'http' || value === 'view' || value === 'broadcast',
  label: isNonEmptyString,
  url: isUrl,
  method: (value: unknown) => typeof value === 'string' && ['GET', 'POST', 'PUT'].includes(value),
  headers: (value: unknown) => value !== null && typeof value === 'object' && Object.values(value as object).every(isString),
  body: isString,
  clear: isBoolean,
};

/** ntfy's JSON publishing endpoint (POST to the base URL), strict about fields, types and auth. */
export function startNtfyReceiver(auth: { token?: string; user?: string; password?: string } = {}): Promise<Receiver> {
  const expected = auth.token
    ? `Bearer ${auth.token}`
    : auth.user
      ? `Basic ${Buffer.from(`${auth.user}:${auth.password ?? ''}`).toString('base64')}`
      : undefined;
  return startReceiver((request) => {
    if (request.method !== 'POST' || request.path !== '/') return { status: 404, error: `unexpected ${request.method} ${request.path}` };
    if (request.headers.authorization !== expected) return { status: 401, error: 'unauthorized' };
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) return { status: 400, error: 'not JSON' };
    const body = parseJson(request.body);
    const error = checkObject(
      body,
      {
        topic: (value) => typeof value === 'string' && /^[-_A-Za-z0-9]{1,64}$/.test(value),
        title: isString,
        message: (value) => typeof value === 'string' && Buffer.byteLength(value) <= 4096,
        priority: isIntegerIn(1, 5),
        tags: isArrayOf(isString),
        click: isUrl,
        actions: (value) => Array.isArray(value) && value.length <= 3 && value.every(isObjectWith(actionFields, ['action', 'label', 'url'])),
      },
      ['topic', 'message'],
    );
    return error ? { status: 400, error } : null;
  }, () => ({ id: 'msg1', event: 'message' }));
}
