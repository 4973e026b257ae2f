/** The one fetch wrapper: JSON in and out, API errors turned into readable ApiError messages. */

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

const STATUS_TEXT: Record<number, string> = {
  401: 'You are not signed in.',
  403: 'This action is disabled on the daemon.',
  404: 'Not found.',
  409: 'Conflict with the current state.',
  413: 'The request is too large.',
  428: 'This action needs confirmation.',
  429: 'Too many requests; try again in a moment.',
  500: 'The daemon failed to handle the request.',
  502: 'The daemon could not reach a backend.',
  503: 'The daemon is not ready for this yet.',
  504: 'The daemon did not answer in time.',
};

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Called on every 401, so the app can show its login page (set by the auth store). */
let unauthorizedListener: (() => void) | undefined;
export function onUnauthorized(listener: () => void): void {
  unauthorizedListener = listener;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  // X-DD-Client: the daemon then answers 401 without a Basic challenge, so the browser shows no
  // password prompt of its own and the login page can ask instead.
  const headers: Record<string, string> = { Accept: 'application/json', 'X-DD-Client': 'ui', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'same-origin',
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'Cannot reach the dockdeck daemon. Is it running?');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const body = parseJson(text);
  if (response.status === 401) unauthorizedListener?.();
  if (!response.ok) throw toApiError(response.status, body, text);
  // A 200 that is not JSON is not the daemon (e.g. a proxy's login page): say so, never hand on undefined.
  if (body === undefined && text) throw new ApiError(response.status, 'NOT_JSON', 'The answer did not come from the dockdeck API (a proxy in between?).');
  return body as T;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toApiError(status: number, body: unknown, text: string): ApiError {
  const record = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const code = typeof record.code === 'string' ? record.code : `HTTP_${status}`;
  const message =
    typeof record.error === 'string' && record.error.trim()
      ? record.error
      : typeof record.message === 'string' && record.message.trim()
        ? record.message
        : (STATUS_TEXT[status] ?? (looksLikeHtml(text) || !text.trim() ? `Request failed (HTTP ${status}).` : text.trim().slice(0, 200)));
  return new ApiError(status, code, message);
}

function looksLikeHtml(text: string): boolean {
  return /^\s*</.test(text);
}

/** A message fit for a person, whatever was thrown. */
export function readableError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
