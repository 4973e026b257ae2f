import { RegistryError } from '../types.ts';
import { parseAuthChallenge, type AuthChallenge } from './auth-challenge.ts';
import { BodyTooLargeError, discardBody, readBoundedBody } from './bounded-body.ts';
import type { FetchLike, Sleep } from './http-port.ts';
import { RequestBudget, Semaphore } from './request-budget.ts';
import { backoffDelay, parseRetryAfter, type RetryPolicy } from './retry-policy.ts';
import { tokenResponseSchema } from './schemas.ts';
import { TokenCache } from './token-cache.ts';

/** Credentials as configured; never logged, never part of a message. */
export interface RegistryCredentials {
  readonly basic?: { readonly username: string; readonly password: string };
  /** A static bearer token sent as is (custom registries with TOKEN and no LOGIN). */
  readonly bearer?: string;
  /** Basic credentials obtained on demand (ECR access keys → a 12-hour token). */
  readonly basicProvider?: () => Promise<{ readonly username: string; readonly password: string }>;
}

export interface TransportOptions {
  /** Registry id for messages, e.g. `ghcr.public` or `custom.local`. */
  readonly name: string;
  readonly credentials?: RegistryCredentials;
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly sleep: Sleep;
  readonly now: () => number;
  readonly random?: () => number;
  readonly maxConcurrency: number;
  readonly tokens?: TokenCache;
  /** Told of every HTTP answer (its status) or failure to get one ('error'), e.g. for metrics. */
  readonly onResponse?: (registry: string, status: number | 'error') => void;
}

export interface Exchange {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: Buffer;
}

/** One request's context: the repository it is about (for scope and messages) and the cycle budget. */
export interface RequestContext {
  readonly repository: string;
  readonly budget: RequestBudget;
}

const MAX_TOKEN_BYTES = 64 * 1024;
const DEFAULT_TOKEN_SECONDS = 60;

/** A failure worth another attempt (429, 5xx, timeout, connection refused). */
class RetryableFailure extends Error {
  readonly error: RegistryError;
  readonly retryAfterMs: number | undefined;
  constructor(error: RegistryError, retryAfterMs?: number) {
    super(error.message);
    this.error = error;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * The HTTP side of the distribution API: the WWW-Authenticate dance (Bearer tokens cached by
 * realm/service/scope, Basic), retries with backoff honouring Retry-After, per-request timeouts,
 * bounded bodies, a concurrency cap and the per-cycle request budget.
 */
export class OciTransport {
  readonly name: string;
  readonly #options: TransportOptions;
  readonly #tokens: TokenCache;
  readonly #semaphore: Semaphore;
  readonly #tokenRequests = new Map<string, Promise<string>>();
  /** The registry's last challenge, so later requests authenticate up front instead of after a 401. */
  #challenge: AuthChallenge | undefined;

  constructor(options: TransportOptions) {
    this.name = options.name;
    this.#options = options;
    this.#tokens = options.tokens ?? new TokenCache({ now: options.now });
    this.#semaphore = new Semaphore(options.maxConcurrency);
  }

  /** GET or HEAD a registry URL; returns a 200 answer (body read up to maxBytes) or throws RegistryError. */
  async request(context: RequestContext, method: 'GET' | 'HEAD', url: string, accept: string, maxBytes: number, what: string): Promise<Exchange> {
    const { retry } = this.#options;
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await this.#authenticatedExchange(context, method, url, accept, maxBytes, what);
        return this.#accept(context, answer, what);
      } catch (error) {
        if (!(error instanceof RetryableFailure)) throw error;
        if (attempt >= retry.attempts) {
          throw withMessage(error.error, `${error.error.message} (gave up after ${attempt} attempts)`);
        }
        if (error.retryAfterMs !== undefined && error.retryAfterMs > retry.maxRetryAfterMs) {
          throw withMessage(error.error, `${error.error.message}; it asks to retry after ${Math.ceil(error.retryAfterMs / 1000)}s, longer than dockdeck waits`);
        }
        const delay = Math.max(error.retryAfterMs ?? 0, backoffDelay(retry, attempt - 1, this.#options.random));
        await this.#options.sleep(Math.min(delay, retry.maxRetryAfterMs));
      }
    }
  }

  #fail(context: RequestContext, code: string, detail: string, status?: number): RegistryError {
    return new RegistryError(code, `registry ${this.name}, repository ${context.repository}: ${detail}`, status);
  }

  /** Turns a final status into an answer or an error; 429 and 5xx become retryable. */
  #accept(context: RequestContext, answer: Exchange, what: string): Exchange {
    const { status } = answer;
    if (status >= 200 && status < 300) return answer;
    if (status === 401 || status === 403) {
      const hint = this.#options.credentials ? 'the configured credentials were rejected' : 'the registry requires credentials';
      throw this.#fail(context, 'REGISTRY_AUTH', `${what}: access denied (HTTP ${status}); ${hint}`, status);
    }
    if (status === 404) throw this.#fail(context, 'REGISTRY_NOT_FOUND', `${what}: not found (HTTP 404)`, status);
    if (status === 429) {
      const retryAfter = parseRetryAfter(answer.headers.get('retry-after'), this.#options.now());
      throw new RetryableFailure(this.#fail(context, 'REGISTRY_RATE_LIMITED', `${what}: rate limited (HTTP 429)`, status), retryAfter);
    }
    if (status >= 500) {
      const retryAfter = parseRetryAfter(answer.headers.get('retry-after'), this.#options.now());
      throw new RetryableFailure(this.#fail(context, 'REGISTRY_UNAVAILABLE', `${what}: registry error (HTTP ${status})`, status), retryAfter);
    }
    throw this.#fail(context, 'REGISTRY_BAD_RESPONSE', `${what}: unexpected HTTP ${status}`, status);
  }

  async #authenticatedExchange(context: RequestContext, method: 'GET' | 'HEAD', url: string, accept: string, maxBytes: number, what: string): Promise<Exchange> {
    const headers: Record<string, string> = { accept, 'user-agent': 'dockdeck' };
    const upFront = await this.#authorization(context, this.#challenge, false);
    if (upFront) headers.authorization = upFront;
    const first = await this.#exchange(context, method, url, headers, maxBytes, what);
    if (first.status !== 401) return first;
    const challenge = parseAuthChallenge(first.headers.get('www-authenticate'));
    if (!challenge) return first;
    this.#challenge = { scheme: challenge.scheme, ...(challenge.realm ? { realm: challenge.realm } : {}), ...(challenge.service ? { service: challenge.service } : {}) };
    // A token we already sent was refused (revoked or expired early): fetch a fresh one once.
    const retryAuthorization = await this.#authorization(context, { ...challenge }, upFront !== undefined);
    if (!retryAuthorization || retryAuthorization === upFront) return first;
    return this.#exchange(context, method, url, { ...headers, authorization: retryAuthorization }, maxBytes, what);
  }

  /** The Authorization header for a challenge, fetching a token when needed; undefined when none applies. */
  async #authorization(context: RequestContext, challenge: AuthChallenge | undefined, refresh: boolean): Promise<string | undefined> {
    const credentials = this.#options.credentials;
    if (credentials?.bearer) return `Bearer ${credentials.bearer}`;
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      const basic = await this.#basicCredentials();
      return basic ? basicHeader(basic.username, basic.password) : undefined;
    }
    if (!challenge.realm) return undefined;
    const scope = `repository:${context.repository}:pull`;
    const key = TokenCache.key(challenge.realm, challenge.service, scope);
    if (refresh) this.#tokens.delete(key);
    const cached = this.#tokens.get(key);
    if (cached) return `Bearer ${cached}`;
    let pending = this.#tokenRequests.get(key);
    if (!pending) {
      pending = this.#fetchToken(context, challenge.realm, challenge.service, scope, key).finally(() => this.#tokenRequests.delete(key));
      this.#tokenRequests.set(key, pending);
    }
    return `Bearer ${await pending}`;
  }

  async #fetchToken(context: RequestContext, realm: string, service: string | undefined, scope: string, key: string): Promise<string> {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw this.#fail(context, 'REGISTRY_BAD_RESPONSE', 'the authentication realm is not a URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw this.#fail(context, 'REGISTRY_BAD_RESPONSE', 'the authentication realm is not an http(s) URL');
    }
    if (service) url.searchParams.set('service', service);
    url.searchParams.set('scope', scope);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'dockdeck' };
    const basic = await this.#basicCredentials();
    if (basic) headers.authorization = basicHeader(basic.username, basic.password);
    const answer = await this.#exchange(context, 'GET', url.toString(), headers, MAX_TOKEN_BYTES, 'token request');
    if (answer.status === 401 || answer.status === 403) {
      const hint = basic ? 'the configured credentials were rejected' : 'anonymous access is not allowed';
      throw this.#fail(context, 'REGISTRY_AUTH', `token request refused (HTTP ${answer.status}); ${hint}`, answer.status);
    }
    this.#accept(context, answer, 'token request');
    const parsed = tokenResponseSchema.safeParse(parseJsonSafely(answer.body));
    if (!parsed.success) throw this.#fail(context, 'REGISTRY_BAD_RESPONSE', 'the token service answered something that is not a token');
    const token = parsed.data.token ?? parsed.data.access_token ?? '';
    if (/[\r\n]/.test(token)) throw this.#fail(context, 'REGISTRY_BAD_RESPONSE', 'the token contains line breaks');
    this.#tokens.set(key, token, parsed.data.expires_in ?? DEFAULT_TOKEN_SECONDS);
    return token;
  }

  async #basicCredentials(): Promise<{ readonly username: string; readonly password: string } | undefined> {
    const credentials = this.#options.credentials;
    if (credentials?.basic) return credentials.basic;
    return credentials?.basicProvider ? credentials.basicProvider() : undefined;
  }

  /** One HTTP exchange: budget, concurrency cap, timeout, bounded body (read only for 2xx GETs). */
  async #exchange(context: RequestContext, method: 'GET' | 'HEAD', url: string, headers: Record<string, string>, maxBytes: number, what: string): Promise<Exchange> {
    if (!context.budget.take()) {
      throw this.#fail(context, 'REGISTRY_BUDGET_EXHAUSTED', `${what}: the budget of ${context.budget.limit} requests for this cycle is spent (MAXREQUESTS)`);
    }
    return this.#semaphore.run(async () => {
      const signal = AbortSignal.timeout(this.#options.timeoutMs);
      // An answer is reported once: a body that then fails to read is not a second one.
      let answered = false;
      try {
        const response = await this.#options.fetch(url, { method, headers, signal, redirect: 'follow' });
        answered = true;
        this.#options.onResponse?.(this.#options.name, response.status);
        const ok = response.status >= 200 && response.status < 300;
        if (method === 'HEAD' || !ok) {
          await discardBody(response.body);
          return { status: response.status, headers: response.headers, body: Buffer.alloc(0) };
        }
        const body = await readBoundedBody(response.body, maxBytes);
        return { status: response.status, headers: response.headers, body };
      } catch (error) {
        if (!answered) this.#options.onResponse?.(this.#options.name, 'error');
        throw this.#transportFailure(context, error, what);
      }
    });
  }

  #transportFailure(context: RequestContext, error: unknown, what: string): Error {
    if (error instanceof RegistryError || error instanceof RetryableFailure) return error;
    if (error instanceof BodyTooLargeError) return this.#fail(context, 'REGISTRY_BAD_RESPONSE', `${what}: ${error.message}`);
    const name = (error as { name?: string } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new RetryableFailure(this.#fail(context, 'REGISTRY_TIMEOUT', `${what}: no answer within ${this.#options.timeoutMs} ms`));
    }
    const cause = (error as { cause?: { code?: string } } | null)?.cause?.code;
    return new RetryableFailure(this.#fail(context, 'REGISTRY_UNAVAILABLE', `${what}: cannot reach the registry${cause ? ` (${cause})` : ''}`));
  }
}

function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

function withMessage(error: RegistryError, message: string): RegistryError {
  return new RegistryError(error.code, message, error.status);
}

export function parseJsonSafely(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
