import { timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import type { OidcProviderConfig } from '../../config/load-auth-config.ts';
import { AppError } from '../../core/errors.ts';
import type { Claims } from './oidc-claims.ts';

/** What must survive the round trip through the provider; kept sealed in a cookie of the browser. */
export interface PendingLogin {
  readonly provider: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly callbackUrl: string;
  readonly returnTo: string;
  readonly expiresAt: number;
}

export const PENDING_LOGIN_TTL_MS = 10 * 60 * 1000;

/** Longest ID token kept for the logout hint (a larger one is not kept; logout then names the client only). */
export const MAX_ID_TOKEN_LENGTH = 16 * 1024;

/** What a completed login yields: the user's claims, and the ID token for RP-initiated logout. */
export interface FinishedLogin {
  readonly claims: Claims;
  readonly idToken?: string;
}

export interface OidcLoginOptions {
  /** Replaces global fetch for every call to the provider (tests, proxies). */
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  /** Details of failures that the HTTP answer keeps short. */
  readonly onFailure?: (provider: string, error: unknown) => void;
}

/**
 * One DD_AUTH_OIDC_{NAME} provider: discovery (once, retried after a failure), the authorization
 * URL with PKCE (S256), state and nonce, and the code exchange with every check openid-client does
 * (issuer, audience, signature, nonce, state).
 */
export class OidcLogin {
  readonly config: OidcProviderConfig;
  readonly #options: OidcLoginOptions;
  #configuration: Promise<oidc.Configuration> | undefined;

  constructor(config: OidcProviderConfig, options: OidcLoginOptions = {}) {
    this.config = config;
    this.#options = options;
  }

  async start(callbackUrl: string, returnTo: string): Promise<{ url: URL; pending: PendingLogin }> {
    const configuration = await this.#discovered();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const pending: PendingLogin = {
      provider: this.config.name,
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier,
      callbackUrl,
      returnTo,
      expiresAt: this.#now() + PENDING_LOGIN_TTL_MS,
    };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: callbackUrl,
      scope: this.config.scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  /** Exchanges the code of a callback (its query string) for the user's claims and ID token. */
  async finish(query: URLSearchParams, pending: PendingLogin | undefined): Promise<FinishedLogin> {
    const state = query.get('state') ?? '';
    if (!pending || pending.provider !== this.config.name || pending.expiresAt <= this.#now() || !sameText(state, pending.state)) {
      throw new AppError(401, 'OIDC_STATE_INVALID', 'The login could not be matched to one started in this browser (expired, replayed or forged); start it again');
    }
    const providerError = query.get('error');
    if (providerError) {
      const description = (query.get('error_description') ?? '').slice(0, 200);
      const error = providerError.slice(0, 80);
      throw new AppError(401, 'OIDC_LOGIN_FAILED', `The provider refused the login: ${error}${description ? ` (${description})` : ''}`, { providerError: error });
    }
    const configuration = await this.#discovered();
    const currentUrl = new URL(pending.callbackUrl);
    currentUrl.search = query.toString();
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      this.#options.onFailure?.(this.config.name, error);
      throw new AppError(401, 'OIDC_LOGIN_FAILED', `The login with ${this.config.name} could not be completed: ${shortReason(error)}`);
    }
    const idClaims: Claims = tokens.claims() ?? {};
    const claims = { ...idClaims, ...(await this.#userInfo(configuration, tokens.access_token, idClaims.sub)) };
    const idToken = tokens.id_token && tokens.id_token.length <= MAX_ID_TOKEN_LENGTH ? tokens.id_token : undefined;
    return { claims, ...(idToken ? { idToken } : {}) };
  }

  /**
   * RP-initiated logout: the provider's end-session URL with the ID token as hint and the page to
   * come back to, or undefined when the provider offers none (or cannot be reached: dockdeck's own
   * session is over either way).
   */
  async endSessionUrl(idToken: string | undefined, postLogoutRedirectUri: string): Promise<URL | undefined> {
    const configuration = await this.#discovered().catch(() => undefined);
    if (!configuration?.serverMetadata().end_session_endpoint) return undefined;
    return oidc.buildEndSessionUrl(configuration, { post_logout_redirect_uri: postLogoutRedirectUri, ...(idToken ? { id_token_hint: idToken } : {}) });
  }

  /** UserInfo often holds what the ID token leaves out (groups, e-mail). Without it, the ID token's claims stand. */
  async #userInfo(configuration: oidc.Configuration, accessToken: string, subject: unknown): Promise<Claims> {
    if (!configuration.serverMetadata().userinfo_endpoint || typeof subject !== 'string') return {};
    try {
      return await oidc.fetchUserInfo(configuration, accessToken, subject);
    } catch (error) {
      this.#options.onFailure?.(this.config.name, error);
      return {};
    }
  }

  #discovered(): Promise<oidc.Configuration> {
    this.#configuration ??= this.#discover().catch((error: unknown) => {
      // Not cached: the next login tries again (the provider may have been down at start-up).
      this.#configuration = undefined;
      this.#options.onFailure?.(this.config.name, error);
      throw new AppError(502, 'OIDC_PROVIDER_UNAVAILABLE', `The OpenID provider ${this.config.name} cannot be reached or answered wrongly: ${shortReason(error)}`);
    });
    return this.#configuration;
  }

  async #discover(): Promise<oidc.Configuration> {
    const insecure = new URL(this.config.discovery).protocol === 'http:';
    const execute = insecure ? [oidc.allowInsecureRequests] : [];
    const timeout = Math.max(1, Math.ceil(this.config.timeoutMs / 1000));
    const options: oidc.DiscoveryRequestOptions = {
      execute,
      timeout,
      ...(this.#options.fetch ? { [oidc.customFetch]: this.#options.fetch as oidc.CustomFetch } : {}),
    };
    const found = await oidc.discovery(new URL(this.config.discovery), this.config.clientId, undefined, oidc.None(), options);
    // Client authentication as the provider offers it: Basic is the protocol's default, POST the alternative.
    const metadata = found.serverMetadata();
    const secret = this.config.clientSecret;
    const methods = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    const authentication = !secret
      ? oidc.None()
      : methods.includes('client_secret_basic') || !methods.includes('client_secret_post')
        ? oidc.ClientSecretBasic(secret)
        : oidc.ClientSecretPost(secret);
    const configuration = new oidc.Configuration(metadata, this.config.clientId, secret, authentication);
    configuration.timeout = timeout;
    if (this.#options.fetch) configuration[oidc.customFetch] = this.#options.fetch as oidc.CustomFetch;
    for (const apply of execute) apply(configuration);
    return configuration;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A reason fit for the answer: the library's message, bounded, never a token. */
function shortReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/[A-Za-z0-9_-]{40,}/g, '…').slice(0, 200);
}
