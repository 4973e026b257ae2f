import type { Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import passport from 'passport';
import { BasicStrategy } from 'passport-http';
import type { AuthServices } from '../../auth/auth-services.ts';
import type { AuthenticatedUser } from '../../auth/authenticated-user.ts';
import { readCookie } from '../../auth/session/cookies.ts';
import { isCrossOriginWrite } from '../../auth/session/same-origin.ts';
import { SESSION_COOKIE, sessionMiddleware } from './session.ts';

/**
 * The API and metrics, however a client spells them: Express routes case-insensitively and
 * ignores a trailing slash, so `/API/v1/...` and `/metrics/` reach the same handlers.
 */
const PROTECTED = /^\/(api|metrics)(\/|$)/i;

/** The sign-in endpoints themselves, which must answer before anyone is signed in. Exact paths only. */
const SIGN_IN = /^\/api\/v1\/auth\/(strategies|login|logout|oidc\/[^/]+\/(redirect|cb))\/?$/i;
const LOGIN = /^\/api\/v1\/auth\/login\/?$/i;

/** Paths that stay open: liveness for orchestrators, and the UI shell (its API calls are protected). */
export function isPublic(path: string): boolean {
  return !PROTECTED.test(path);
}

/** Whether the path is one of the sign-in endpoints (open even when authentication is on). */
export function isSignInPath(path: string): boolean {
  return SIGN_IN.test(path);
}

/** Header the web UI sends: its 401s come without a Basic challenge, so the browser shows no password prompt. */
export const UI_CLIENT_HEADER = 'x-dd-client';

export function unauthorized(res: Response, challenge: boolean): void {
  if (challenge) res.set('WWW-Authenticate', 'Basic realm="dockdeck", charset="UTF-8"');
  res.status(401).json({ error: 'Authentication required', code: 'UNAUTHORIZED' });
}

/** A Basic challenge makes browsers prompt: only for clients that are not the web UI. */
function wantsChallenge(req: Request, auth: AuthServices): boolean {
  return auth.config.basic.length > 0 && !req.get(UI_CLIENT_HEADER) && readCookie(req.headers.cookie, SESSION_COOKIE) === undefined;
}

/**
 * Authentication of the API when DD_AUTH_* is configured (none: the API is open, and main.ts
 * warns). A request is admitted by a session (web UI sign-in, Basic or OIDC) or by HTTP Basic
 * credentials on the request itself (API clients, scripts). Failed attempts are rate limited per
 * client address. WebSocket upgrades pass through the app too, so the same rules hold for them.
 */
export function authentication(auth: AuthServices): RequestHandler[] {
  if (!auth.enabled) return [];
  const authenticator = new passport.Passport();
  authenticator.use(
    new BasicStrategy((username, password, done) => {
      auth.verifyBasic(username, password).then(
        (user) => done(null, user ?? false),
        (error: unknown) => done(error),
      );
    }),
  );
  const publicHost = auth.publicUrl ? new URL(auth.publicUrl).host : undefined;
  const failures = rateLimit({
    windowMs: 15 * 60 * 1000,
    limit: 30,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    skipSuccessfulRequests: true,
    message: { error: 'Too many failed authentication attempts; try again later', code: 'RATE_LIMITED' },
  });
  // Only attempts count: a request without credentials guesses nothing (the web UI asks /auth/user on every load).
  const limited = (req: Request) =>
    (Boolean(req.headers.authorization) && !isPublic(req.path) && !isSignInPath(req.path)) || (LOGIN.test(req.path) && req.method === 'POST');

  const check: RequestHandler = (req, res, next) => {
    if (isPublic(req.path) || isSignInPath(req.path)) {
      next();
      return;
    }
    const sessionUser = req.session?.user;
    const stamp = sessionUser ? auth.stampOf(sessionUser) : undefined;
    if (sessionUser && (!stamp || req.session.stamp !== stamp)) {
      // Sessions outlive restarts, not the configuration that admitted them (user removed, hash or allow-list changed).
      req.session.destroy(() => withoutSession(req, res, next));
      return;
    }
    if (sessionUser) {
      if (isCrossOriginWrite({ method: req.method, host: req.host, header: (name) => req.get(name) }, publicHost)) {
        res.status(403).json({ error: 'Cross-site request refused', code: 'CROSS_SITE_REQUEST' });
        return;
      }
      req.user = sessionUser;
      next();
      return;
    }
    withoutSession(req, res, next);
  };

  const withoutSession: RequestHandler = (req, res, next) => {
    if (auth.config.basic.length === 0 || !req.headers.authorization) {
      unauthorized(res, wantsChallenge(req, auth));
      return;
    }
    authenticator.authenticate('basic', { session: false }, (error: unknown, user: AuthenticatedUser | false) => {
      if (error) {
        next(error);
        return;
      }
      if (!user) {
        unauthorized(res, wantsChallenge(req, auth));
        return;
      }
      req.user = user;
      next();
    })(req, res, next);
  };
  return [sessionMiddleware(auth), (req, res, next) => (limited(req) ? failures(req, res, next) : next()), authenticator.initialize(), check];
}
