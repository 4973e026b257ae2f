import type { RequestHandler } from 'express';
import session from 'express-session';
import type { AuthServices } from '../../auth/auth-services.ts';
import type { AuthenticatedUser } from '../../auth/authenticated-user.ts';

declare module 'express-session' {
  interface SessionData {
    user?: AuthenticatedUser;
  }
}

export const SESSION_COOKIE = 'dockdeck.sid';

/**
 * Server-side sessions for the web UI: the cookie holds only a signed random id; HttpOnly,
 * SameSite=Lax, Secure whenever the request came over https (directly, or through a proxy on
 * loopback that says so). A session is created only by a successful login, and each request
 * pushes its end DD_SERVER_SESSION_TIMEOUT_HOURS further.
 */
export function sessionMiddleware(auth: AuthServices): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret: auth.sessionSecret,
    store: auth.sessionStore,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    unset: 'destroy',
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', path: '/', maxAge: auth.config.session.timeoutHours * 3600_000 },
  });
}
