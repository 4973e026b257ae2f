import type { Request, Response } from 'express';
import type { SessionData } from 'express-session';
import type { AuthenticatedUser } from '../../auth/authenticated-user.ts';
import { SESSION_COOKIE } from '../middleware/session.ts';

/** A fresh session id for the signed-in user (never the id the browser had before: no fixation). */
export function startSession(req: Request, user: AuthenticatedUser, extra: Pick<SessionData, 'stamp' | 'oidc'> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((error: unknown) => {
      if (error) {
        reject(error);
        return;
      }
      req.session.user = user;
      if (extra.stamp) req.session.stamp = extra.stamp;
      if (extra.oidc) req.session.oidc = extra.oidc;
      req.session.save((saveError: unknown) => (saveError ? reject(saveError) : resolve()));
    });
  });
}

/** Forgets the session on the server (a copied cookie is worthless afterwards) and in the browser. */
export function endSession(req: Request, res: Response): Promise<boolean> {
  res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: req.secure });
  const current = req.session;
  if (!current?.user) return Promise.resolve(false);
  return new Promise((resolve, reject) => current.destroy((error: unknown) => (error ? reject(error) : resolve(true))));
}

/** What the UI shows of a user; the same shape for Basic and OIDC. */
export function describeUser(user: AuthenticatedUser) {
  return {
    type: user.type,
    strategy: user.strategy,
    user: user.user,
    ...(user.displayName ? { displayName: user.displayName } : {}),
    ...(user.email ? { email: user.email } : {}),
  };
}
