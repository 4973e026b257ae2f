/** Who made a request: what the auth middleware puts on `req.user` and a session keeps. */
export interface AuthenticatedUser {
  readonly type: 'basic' | 'oidc';
  /** The {NAME} of the DD_AUTH_BASIC_/DD_AUTH_OIDC_ group that admitted the user. */
  readonly strategy: string;
  /** The user name, as audited (Basic: the USER; OIDC: USERCLAIM, else email, else sub). */
  readonly user: string;
  readonly displayName?: string;
  readonly email?: string;
}
