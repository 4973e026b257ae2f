import { z } from 'zod';
import type { AuthServices } from '../../auth/auth-services.ts';
import type { AuthenticatedUser } from '../../auth/authenticated-user.ts';
import { AppError } from '../../core/errors.ts';
import type { AppContext } from '../context.ts';
import type { RouteRegistry } from '../route-registry.ts';
import { describeUser, endSession, startSession } from './auth-session.ts';
import { providerLogoutUrl, registerOidcRoutes } from './auth-oidc.ts';

const errorSchema = z.object({ error: z.string(), code: z.string() });
export const userSchema = z.object({
  type: z.enum(['basic', 'oidc', 'none']),
  strategy: z.string().optional(),
  user: z.string(),
  displayName: z.string().optional(),
  email: z.string().optional(),
});
const loginBody = z.object({
  username: z.string().min(1).max(256),
  password: z.string().min(1).max(1024),
});

/** The AuthServices of the app (create-app always provides them). */
export function authOf(context: AppContext): AuthServices {
  if (!context.auth) throw new AppError(503, 'AUTH_UNAVAILABLE', 'Authentication services are not set up');
  return context.auth;
}

/** Sign-in for the web UI: strategies, the current user, Basic login into a session, logout, OIDC. */
export function registerAuthRoutes(api: RouteRegistry, context: AppContext): void {
  api.add({
    method: 'get',
    path: '/api/v1/auth/strategies',
    tag: 'auth',
    summary: 'Ways to sign in (open): Basic once if any DD_AUTH_BASIC_ user exists, each DD_AUTH_OIDC_ provider',
    responses: {
      200: {
        description: 'Configured strategies; empty when the API is open',
        schema: z.array(z.object({ type: z.enum(['basic', 'oidc']), name: z.string(), autoRedirect: z.boolean().optional() })),
      },
    },
    handler: () => authOf(context).strategies(),
  });

  api.add({
    method: 'get',
    path: '/api/v1/auth/user',
    tag: 'auth',
    summary: 'The signed-in user (by session or Basic credentials); type none when no authentication is configured',
    responses: {
      200: { description: 'Current user', schema: userSchema },
      401: { description: 'Not signed in', schema: errorSchema },
    },
    handler: ({ req }) => {
      const user = req.user as AuthenticatedUser | undefined;
      if (user) return describeUser(user);
      if (!authOf(context).enabled) return { type: 'none' as const, user: 'anonymous' };
      throw new AppError(401, 'UNAUTHORIZED', 'Authentication required');
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/auth/login',
    tag: 'auth',
    summary: 'Signs in with a DD_AUTH_BASIC_ user name and password; the answer sets the session cookie',
    body: loginBody,
    responses: {
      200: { description: 'Signed in', schema: userSchema },
      401: { description: 'Wrong user name or password', schema: errorSchema },
      404: { description: 'Basic authentication is not configured', schema: errorSchema },
      429: { description: 'Too many failed attempts from this address', schema: errorSchema },
    },
    handler: async ({ body, req }) => {
      const auth = authOf(context);
      if (auth.config.basic.length === 0) throw new AppError(404, 'AUTH_STRATEGY_NOT_FOUND', 'Basic authentication is not configured');
      const user = await auth.verifyBasic(body.username, body.password);
      if (!user) throw new AppError(401, 'INVALID_CREDENTIALS', 'Wrong user name or password');
      await startSession(req, user, { stamp: auth.stampOf(user) });
      return describeUser(user);
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/auth/logout',
    tag: 'auth',
    summary: 'Ends the session of this browser (the session cookie stops working everywhere); for an OIDC session, also says where to end the provider’s',
    responses: {
      200: {
        description: 'Signed out. redirectUrl: the provider’s end-session endpoint (id_token_hint, client_id, post_logout_redirect_uri back to the login page), where the browser should go next; absent when the provider offers none',
        schema: z.object({ loggedOut: z.boolean(), redirectUrl: z.string().optional() }),
      },
    },
    handler: async ({ req, res }) => {
      const signedInWith = req.session?.user ? req.session.oidc : undefined;
      const loggedOut = await endSession(req, res);
      const redirectUrl = loggedOut && signedInWith ? await providerLogoutUrl(authOf(context), signedInWith, req) : undefined;
      return { loggedOut, ...(redirectUrl ? { redirectUrl } : {}) };
    },
  });

  registerOidcRoutes(api, context);
}
