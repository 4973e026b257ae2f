import type { Request, Response } from 'express';
import type { SessionData } from 'express-session';
import { z } from 'zod';
import type { AuthServices } from '../../auth/auth-services.ts';
import { loginErrorCode } from '../../auth/oidc/login-error-code.ts';
import { loginPageUrl } from '../../auth/oidc/login-page-url.ts';
import { isAllowed, userFromClaims } from '../../auth/oidc/oidc-claims.ts';
import { PENDING_LOGIN_TTL_MS, type OidcLogin, type PendingLogin } from '../../auth/oidc/oidc-login.ts';
import { PENDING_COOKIE_PREFIX, pendingCookieName, pendingCookiesToClear } from '../../auth/oidc/pending-logins.ts';
import { safeReturnTo } from '../../auth/oidc/return-to.ts';
import { readCookie, readCookiesStartingWith } from '../../auth/session/cookies.ts';
import { oidcCallbackPath } from '../../config/load-auth-config.ts';
import { AppError, errorMessage, notFound } from '../../core/errors.ts';
import type { AppContext } from '../context.ts';
import type { RouteRegistry } from '../route-registry.ts';
import { authOf } from './auth.ts';
import { startSession } from './auth-session.ts';

const errorSchema = z.object({ error: z.string(), code: z.string() });
const nameParams = z.object({ name: z.string().min(1).max(64).describe('The {NAME} of DD_AUTH_OIDC_{NAME}_*, lower-case') });

/** Each login in progress, sealed in a cookie of its own scoped to the OIDC endpoints (nothing is kept on the server before login). */
const PENDING_PATH = '/api/v1/auth/oidc';

function providerOf(auth: AuthServices, name: string): OidcLogin {
  const provider = auth.providers.get(name.toLowerCase());
  if (!provider) throw notFound('OpenID Connect provider', name);
  return provider;
}

/** The callback URL the provider must know: REDIRECT, else DD_SERVER_PUBLICURL, else the address the browser used. */
function callbackUrlOf(auth: AuthServices, provider: OidcLogin, req: Request): string {
  if (provider.config.callbackUrl) return provider.config.callbackUrl;
  const base = auth.publicUrl ?? `${req.protocol}://${req.host}`;
  return `${base}${oidcCallbackPath(provider.config.name)}`;
}

function clearPending(req: Request, res: Response, name: string): void {
  res.clearCookie(name, { path: PENDING_PATH, httpOnly: true, sameSite: 'lax', secure: req.secure });
}

/** Keeps the logins this browser has in progress bounded: room for one more. */
function makeRoomForLogin(auth: AuthServices, req: Request, res: Response): void {
  const present = new Map<string, PendingLogin | undefined>();
  for (const [name, value] of readCookiesStartingWith(req.headers.cookie, PENDING_COOKIE_PREFIX)) present.set(name, auth.pendingLogins.open(value));
  for (const name of pendingCookiesToClear(present, Date.now())) clearPending(req, res, name);
}

/** A page load of the browser (the address bar, a redirect), not an API client or a script. */
function isBrowserNavigation(req: Request): boolean {
  return (req.get('accept') ?? '').includes('text/html');
}

/**
 * A login that failed: API clients get the JSON error (rethrown); a browser goes to the login page
 * with a short reason it can show (`/login?error=<code>`), and the details go to the log.
 */
function failedLogin(context: AppContext, provider: string, error: unknown, req: Request, res: Response): void {
  if (!isBrowserNavigation(req)) throw error;
  const code = loginErrorCode(error);
  if (code === 'server_error') context.logger.error({ err: error, provider }, 'OpenID Connect login failed');
  else context.logger.warn({ provider: provider.slice(0, 64), code: (error as AppError).code, reason: errorMessage(error) }, 'OpenID Connect login failed');
  res.set('Cache-Control', 'no-store');
  res.redirect(302, `/login?error=${code}`);
}

/**
 * RP-initiated logout of the provider that signed this session in: its end-session URL with the
 * ID token as hint and the login page as post_logout_redirect_uri; undefined when it has none.
 */
export async function providerLogoutUrl(auth: AuthServices, signedIn: NonNullable<SessionData['oidc']>, req: Request): Promise<string | undefined> {
  const provider = auth.providers.get(signedIn.provider);
  if (!provider) return undefined;
  const url = await provider.endSessionUrl(signedIn.idToken, loginPageUrl(callbackUrlOf(auth, provider, req), provider.config.name));
  return url?.href;
}

/** GET …/oidc/:name/redirect starts the authorization code flow; GET …/oidc/:name/cb completes it. */
export function registerOidcRoutes(api: RouteRegistry, context: AppContext): void {
  api.add({
    method: 'get',
    path: '/api/v1/auth/oidc/:name/redirect',
    tag: 'auth',
    summary: 'Starts an OpenID Connect login: redirects the browser to the provider (PKCE, state, nonce)',
    params: nameParams,
    query: z.object({ returnTo: z.string().max(1024).optional().describe('Path of the UI to return to after login') }),
    responses: {
      302: { description: 'To the provider’s authorization endpoint; a browser (Accept: text/html) whose login cannot start: to /login?error=<code>' },
      404: { description: 'Unknown provider', schema: errorSchema },
      502: { description: 'The provider cannot be reached or its discovery document is wrong', schema: errorSchema },
    },
    handler: async ({ params, query, req, res }) => {
      const auth = authOf(context);
      let started: Awaited<ReturnType<OidcLogin['start']>>;
      try {
        const provider = providerOf(auth, params.name);
        started = await provider.start(callbackUrlOf(auth, provider, req), safeReturnTo(query.returnTo));
      } catch (error) {
        failedLogin(context, params.name, error, req, res);
        return;
      }
      const { url, pending } = started;
      makeRoomForLogin(auth, req, res);
      res.cookie(`${PENDING_COOKIE_PREFIX}${pending.state}`, auth.pendingLogins.seal(pending), {
        path: PENDING_PATH,
        httpOnly: true,
        sameSite: 'lax',
        secure: req.secure,
        maxAge: PENDING_LOGIN_TTL_MS,
      });
      res.set('Cache-Control', 'no-store');
      res.redirect(302, url.href);
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/auth/oidc/:name/cb',
    tag: 'auth',
    summary: 'OpenID Connect callback: checks state, exchanges the code, starts the session, returns to the UI (a browser that fails goes to /login?error=…)',
    params: nameParams,
    responses: {
      302: { description: 'Signed in: back to the page the login started from. Failed, for a browser (Accept: text/html): to /login?error=<code>' },
      401: { description: 'State missing, expired or forged, or the provider refused the login (then with providerError)', schema: errorSchema.extend({ providerError: z.string().optional() }) },
      403: { description: 'Authenticated, but not in ALLOWUSERS/ALLOWGROUPS', schema: errorSchema },
      404: { description: 'Unknown provider', schema: errorSchema },
      502: { description: 'The provider cannot be reached', schema: errorSchema },
    },
    handler: async ({ params, req, res }) => {
      const auth = authOf(context);
      const query = new URL(req.originalUrl, 'http://callback.invalid').searchParams;
      const cookieName = pendingCookieName(query.get('state') ?? '');
      const pending = cookieName ? auth.pendingLogins.open(readCookie(req.headers.cookie, cookieName)) : undefined;
      // One use only, whatever happens next.
      if (cookieName) clearPending(req, res, cookieName);
      res.set('Cache-Control', 'no-store');
      try {
        const provider = providerOf(auth, params.name);
        const { claims, idToken } = await provider.finish(query, pending);
        const user = userFromClaims(provider.config, claims);
        if (!user) throw new AppError(401, 'OIDC_LOGIN_FAILED', 'The provider sent no usable identity (no user name, e-mail or subject claim)');
        if (!isAllowed(provider.config, user, claims)) {
          context.logger.warn({ provider: provider.config.name, user: user.user }, 'OpenID Connect login refused by ALLOWUSERS/ALLOWGROUPS');
          throw new AppError(403, 'OIDC_USER_NOT_ALLOWED', `User ${user.user} is not allowed to sign in to dockdeck`);
        }
        await startSession(req, user, { stamp: auth.stampOf(user), oidc: { provider: provider.config.name, ...(idToken ? { idToken } : {}) } });
        context.logger.info({ provider: provider.config.name, user: user.user }, 'signed in with OpenID Connect');
        res.redirect(302, pending?.returnTo ?? '/');
      } catch (error) {
        failedLogin(context, params.name, error, req, res);
      }
    },
  });
}
