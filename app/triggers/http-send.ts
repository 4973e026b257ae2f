import { truncate } from '../core/errors.ts';
import type { ProviderEnvironment } from './provider.ts';

export interface HttpRequest {
  readonly url: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** Serialised as JSON unless a string (then sent as is). */
  readonly body?: unknown;
  /** Follow redirects; forced off when the request carries credentials. */
  readonly followRedirects?: boolean;
}

/** A failed outgoing call; the message never includes request headers (credentials). */
export class DeliveryError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'DeliveryError';
    this.status = status;
  }
}

/** Sends one request with a timeout; any non-2xx answer (including a redirect not followed) throws. */
export async function sendHttp(environment: ProviderEnvironment, request: HttpRequest, signal: AbortSignal): Promise<string> {
  const headers: Record<string, string> = { 'user-agent': 'dockdeck', ...request.headers };
  let body: string | undefined;
  if (request.body !== undefined) {
    body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    if (typeof request.body !== 'string' && !hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
  }
  const hasCredentials = hasHeader(headers, 'authorization') || new URL(request.url).password !== '';
  const timeout = AbortSignal.timeout(environment.timeoutMs);
  let response: Response;
  try {
    response = await environment.fetch(request.url, {
      method: request.method ?? 'POST',
      headers,
      body,
      redirect: request.followRedirects && !hasCredentials ? 'follow' : 'manual',
      signal: AbortSignal.any([signal, timeout]),
    });
  } catch (error) {
    const reason = timeout.aborted ? 'timed out' : (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    throw new DeliveryError(`${safeTarget(request.url)}: ${reason}`);
  }
  const text = await readBounded(response, MAX_RESPONSE_BYTES).catch(() => '');
  if (response.status < 200 || response.status >= 300) {
    throw new DeliveryError(`${safeTarget(request.url)} answered ${response.status}${text ? `: ${truncate(text.replace(/\s+/g, ' '), 200)}` : ''}`, response.status);
  }
  return text;
}

/** Answers are only quoted in errors or parsed for an id: a receiver cannot make us buffer more. */
const MAX_RESPONSE_BYTES = 64 * 1024;

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value.subarray(0, maxBytes - size));
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** Origin and path only: URLs may carry tokens in user info or query (telegram puts it in the path). */
export function safeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'invalid URL';
  }
}

export const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
