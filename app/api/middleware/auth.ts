import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import passport from 'passport';
import { BasicStrategy } from 'passport-http';
import type { Config } from '../../config/load-config.ts';
import { verifyPassword } from '../../auth/password-hash.ts';

/**
 * The API and metrics, however a client spells them: Express routes case-insensitively and
 * ignores a trailing slash, so `/API/v1/...` and `/metrics/` reach the same handlers.
 */
const PROTECTED = /^\/(api|metrics)(\/|$)/i;

/** Paths that stay open: liveness for orchestrators, and the UI shell (its API calls are protected). */
export function isPublic(path: string): boolean {
  return !PROTECTED.test(path);
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * HTTP Basic authentication for the API when DD_AUTH_BASIC_* users exist (none: the API is open,
 * and main.ts warns). Failed attempts are rate limited per client address.
 */
export function authentication(auth: Config['auth']): RequestHandler[] {
  if (auth.basic.length === 0) return [];
  const users = auth.basic;
  const authenticator = new passport.Passport();
  authenticator.use(
    new BasicStrategy((username, password, done) => {
      const user = users.find((candidate) => sameText(candidate.user, username));
      if (!user) {
        done(null, false);
        return;
      }
      verifyPassword(password, user.hash).then(
        (ok) => done(null, ok ? { name: user.name, user: user.user } : false),
        (error: unknown) => done(error),
      );
    }),
  );
  const failures = rateLimit({
    windowMs: 15 * 60 * 1000,
    limit: 30,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    skipSuccessfulRequests: true,
    message: { error: 'Too many failed authentication attempts; try again later', code: 'RATE_LIMITED' },
  });
  const check: RequestHandler = (req, res, next) => {
    if (isPublic(req.path)) {
      next();
      return;
    }
    authenticator.authenticate('basic', { session: false }, (error: unknown, user: unknown) => {
      if (error) {
        next(error);
        return;
      }
      if (!user) {
        res.set('WWW-Authenticate', 'Basic realm="dockdeck", charset="UTF-8"');
        res.status(401).json({ error: 'Authentication required', code: 'UNAUTHORIZED' });
        return;
      }
      (req as { user?: unknown }).user = user;
      next();
    })(req, res, next);
  };
  return [
    (req, res, next) => (isPublic(req.path) ? next() : failures(req, res, next)),
    authenticator.initialize(),
    check,
  ];
}
