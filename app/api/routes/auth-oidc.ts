import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AuthServices } from '../../auth/auth-services.ts';
import { isAllowed, userFromClaims } from '../../auth/oidc/oidc-claims.ts';
import { PENDING_LOGIN_TTL_MS, type OidcLogin } from '../../auth/oidc/oidc-login.ts';
import { safeReturnTo } from '../../auth/oidc/return-to.ts';
import { readCookie } from '../../auth/session/cookies.ts';
import { oidcCallbackPath } from '../../config/load-auth-config.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { AppContext } from '../context.ts';
import type { RouteRegistry } from '../route-registry.ts';
import { authOf } from './auth.ts';
import { startSession } from './auth-session.ts';

const errorSchema = z.object({ error: z.string(), code: z.string() });
const nameParams = z.object({ name: z.string().min(1).max(64).describe('The {NAME} of DD_AUTH_OIDC_{NAME}_*, lower-case') });

/** The login in progress, sealed in a cookie scoped to the OIDC endpoints (nothing is kept on the server before login). */
const PENDING_COOKIE = 'dockdeck.oidc';
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

function clearPending(req: Request, res: Response): void {
  res.clearCookie(PENDING_COOKIE, { path: PENDING_PATH, httpOnly: true, sameSite: 'lax', secure: req.secure });
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
      302: { description: 'To the provider’s authorization endpoint' },
      404: { description: 'Unknown provider', schema: errorSchema },
      502: { description: 'The provider cannot be reached or its discovery document is wrong', schema: errorSchema },
    },
    handler: async ({ params, query, req, res }) => {
      const auth = authOf(context);
      const provider = providerOf(auth, params.name);
      const { url, pending } = await provider.start(callbackUrlOf(auth, provider, req), safeReturnTo(query.returnTo));
      res.cookie(PENDING_COOKIE, auth.pendingLogins.seal(pending), {
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
    summary: 'OpenID Connect callback: checks state, exchanges the code, starts the session, returns to the UI',
    params: nameParams,
    responses: {
      302: { description: 'Signed in; back to the page the login started from' },
      401: { description: 'State missing, expired or forged, or the provider refused the login', schema: errorSchema },
      403: { description: 'Authenticated, but not in ALLOWUSERS/ALLOWGROUPS', schema: errorSchema },
      404: { description: 'Unknown provider', schema: errorSchema },
      502: { description: 'The provider cannot be reached', schema: errorSchema },
    },
    handler: async ({ params, req, res }) => {
      const auth = authOf(context);
      const provider = providerOf(auth, params.name);
      const pending = auth.pendingLogins.open(readCookie(req.headers.cookie, PENDING_COOKIE));
      // One use only, whatever happens next.
      clearPending(req, res);
      const query = new URL(req.originalUrl, 'http://callback.invalid').searchParams;
      const claims = await provider.finish(query, pending);
      const user = userFromClaims(provider.config, claims);
      if (!user) throw new AppError(401, 'OIDC_LOGIN_FAILED', 'The provider sent no usable identity (no user name, e-mail or subject claim)');
      if (!isAllowed(provider.config, user, claims)) {
        context.logger.warn({ provider: provider.config.name, user: user.user }, 'OpenID Connect login refused by ALLOWUSERS/ALLOWGROUPS');
        throw new AppError(403, 'OIDC_USER_NOT_ALLOWED', `User ${user.user} is not allowed to sign in to dockdeck`);
      }
      await startSession(req, user);
      context.logger.info({ provider: provider.config.name, user: user.user }, 'signed in with OpenID Connect');
      res.set('Cache-Control', 'no-store');
      res.redirect(302, pending?.returnTo ?? '/');
    },
  });
}
