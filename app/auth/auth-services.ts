import type { AuthConfig } from '../config/load-auth-config.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { AuthenticatedUser } from './authenticated-user.ts';
import { verifyBasicUser } from './basic-users.ts';
import { OidcLogin, type PendingLogin } from './oidc/oidc-login.ts';
import { PersistentSessionStore } from './session/persistent-session-store.ts';
import { SealedValue } from './session/sealed-value.ts';
import { resolveSessionSecret } from './session/session-secret.ts';
import { strategyStamp } from './session/strategy-stamp.ts';

export interface AuthStrategy {
  readonly type: 'basic' | 'oidc';
  readonly name: string;
  /** OIDC: the UI may skip its login page and go straight to the provider. */
  readonly autoRedirect?: boolean;
}

export interface AuthServicesOptions {
  readonly auth: AuthConfig;
  readonly store: Store;
  readonly logger: Logger;
  /** DD_SERVER_PUBLICURL: the default base of OIDC callbacks and an accepted Origin. */
  readonly publicUrl?: string;
  /** Replaces fetch for calls to OpenID providers (tests). */
  readonly fetch?: typeof fetch;
}

/** Everything sign-in needs, built once from the validated configuration. */
export class AuthServices {
  readonly config: AuthConfig;
  readonly publicUrl: string | undefined;
  /** False with no DD_AUTH_* at all: the API is open (main.ts warns). */
  readonly enabled: boolean;
  readonly providers: ReadonlyMap<string, OidcLogin>;
  /** Empty when auth is disabled (nothing is generated or stored then). */
  readonly sessionSecret: string;
  readonly sessionStore: PersistentSessionStore;
  readonly pendingLogins: SealedValue<PendingLogin>;

  constructor(options: AuthServicesOptions) {
    const { auth, logger } = options;
    this.config = auth;
    this.publicUrl = options.publicUrl;
    this.enabled = auth.basic.length > 0 || auth.oidc.length > 0;
    const onFailure = (provider: string, error: unknown) =>
      logger.warn({ provider, reason: error instanceof Error ? error.message : String(error), code: (error as { code?: unknown }).code }, 'OpenID Connect call failed');
    this.providers = new Map(
      auth.oidc.map((provider) => [provider.name, new OidcLogin(provider, { onFailure, ...(options.fetch ? { fetch: options.fetch } : {}) })]),
    );
    this.sessionSecret = this.enabled ? resolveSessionSecret(auth.session.secret, options.store) : '';
    this.sessionStore = new PersistentSessionStore({ records: options.store, ttlMs: auth.session.timeoutHours * 3600_000 });
    this.pendingLogins = new SealedValue<PendingLogin>(this.sessionSecret || 'disabled', 'oidc pending login');
  }

  /** The ways to sign in, for the login page (Basic once, whatever the number of users). */
  strategies(): AuthStrategy[] {
    const list: AuthStrategy[] = [];
    if (this.config.basic.length > 0) list.push({ type: 'basic', name: 'basic' });
    for (const provider of this.config.oidc) list.push({ type: 'oidc', name: provider.name, autoRedirect: provider.autoRedirect });
    return list;
  }

  verifyBasic(username: string, password: string): Promise<AuthenticatedUser | null> {
    return verifyBasicUser(this.config.basic, username, password);
  }

  /** The fingerprint a session keeps of the configuration that admitted its user (see strategy-stamp.ts). */
  stampOf(user: AuthenticatedUser): string | undefined {
    return strategyStamp(this.config, user);
  }
}
