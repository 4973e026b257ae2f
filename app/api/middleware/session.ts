import type { RequestHandler } from 'express';
import session from 'express-session';
import type { AuthServices } from '../../auth/auth-services.ts';
import type { AuthenticatedUser } from '../../auth/authenticated-user.ts';

declare module 'express-session' {
  interface SessionData {
    user?: AuthenticatedUser;
    /** The configuration that admitted the user, fingerprinted: a session outlives a restart, not a change of it. */
    stamp?: string;
    /** OIDC logins: the provider and the ID token for RP-initiated logout (server-side only, sealed in the store). */
    oidc?: { provider: string; idToken?: string };
  }
}

export const SESSION_COOKIE = 'dockdeck.sid';

/**
 * Server-side sessions for the web UI: the cookie holds only a signed random id; HttpOnly,
 * SameSite=Lax, Secure whenever the request came over https (directly, or through a proxy on
 * loopback that says so). A session is created only by a successful login, and each request
 * pushes its end DD_SERVER_SESSION_TIMEOUT_HOURS further. Sessions are kept in the JSON store
 * (PersistentSessionStore), so a restart signs no one out.
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
