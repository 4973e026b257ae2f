import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Provider, { type Configuration } from 'oidc-provider';
import { freePort } from './registry-server.ts';

/** A person who can sign in at the test provider. */
export interface TestAccount {
  readonly password: string;
  readonly email: string;
  readonly name: string;
  readonly groups: readonly string[];
}

export const TEST_ACCOUNTS: Readonly<Record<string, TestAccount>> = {
  alice: { password: 'wonderland', email: 'alice@example.test', name: 'Alice Liddell', groups: ['dockdeck-admins'] },
  bob: { password: 'builder', email: 'bob@example.test', name: 'Bob Builder', groups: ['others'] },
};

export interface TestClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
  /** Where RP-initiated logout may send the browser back to (post_logout_redirect_uri). */
  readonly postLogoutRedirectUris?: readonly string[];
}

export interface RunningOidcProvider {
  /** The issuer, http://127.0.0.1:PORT (discovery at /.well-known/openid-configuration). */
  readonly issuer: string;
  /** Logins submitted to the provider's form, right or wrong. */
  readonly attempts: { login: string; ok: boolean }[];
  /** Sign-ins the user cancelled at the form (answered with access_denied). */
  readonly cancelled: string[];
  /** Provider sessions ended through the end-session endpoint (RP-initiated logout), by account. */
  readonly endedSessions: string[];
  close(): Promise<void>;
}

/** The issuer URL the provider will have, so the daemon can be configured before the provider starts. */
export async function reserveIssuer(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

/**
 * A compliant OpenID provider (panva's oidc-provider) on loopback, with its own login form that
 * checks the accounts' passwords and consents by itself. Codes, tokens, PKCE, nonce, signatures
 * and discovery are the real thing.
 */
export async function startOidcProvider(issuer: string, clients: readonly TestClient[]): Promise<RunningOidcProvider> {
  const attempts: { login: string; ok: boolean }[] = [];
  const cancelled: string[] = [];
  const endedSessions: string[] = [];
  const configuration: Configuration = {
    clients: clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: [...client.redirectUris],
      post_logout_redirect_uris: [...(client.postLogoutRedirectUris ?? [])],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'groups'], email: ['email', 'email_verified'] },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true, logoutSource: logoutPage } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] as never },
    cookies: { keys: ['dockdeck-test-provider-cookie-key'] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    findAccount: (_ctx, id) => {
      const account = TEST_ACCOUNTS[id];
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, preferred_username: id, name: account.name, email: account.email, email_verified: true, groups: [...account.groups] }),
      };
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.on('end_session.success', (ctx: { oidc?: { session?: { accountId?: string } } }) => endedSessions.push(ctx.oidc?.session?.accountId ?? ''));
  const callback = provider.callback();
  const server: Server = createServer((req, res) => {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(new URL(req.url ?? '/', issuer).pathname);
    if (!match) {
      callback(req, res);
      return;
    }
    handleInteraction(provider, req, res, Boolean(match[2]), attempts, cancelled).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(`interaction failed: ${String(error)}`);
    });
  });
  const port = Number(new URL(issuer).port);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    issuer,
    attempts,
    cancelled,
    endedSessions,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Login: a form whose password is checked. Consent: granted at once for what the client asked. */
async function handleInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  submitted: boolean,
  attempts: { login: string; ok: boolean }[],
  cancelled: string[],
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session?.accountId ?? '', clientId: String(details.params.client_id) });
    if (!grant) throw new Error('grant not found');
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    return;
  }
  if (!submitted || req.method !== 'POST') {
    loginPage(res, details.uid, '');
    return;
  }
  const form = new URLSearchParams(await readBody(req));
  const login = form.get('login') ?? '';
  if (form.get('cancel')) {
    // What real providers do when the user backs out: the client gets error=access_denied.
    cancelled.push(login);
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user cancelled the sign-in' }, { mergeWithLastSubmission: false });
    return;
  }
  const ok = TEST_ACCOUNTS[login]?.password === form.get('password');
  attempts.push({ login, ok });
  if (!ok) {
    loginPage(res, details.uid, 'Wrong user name or password');
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
}

function loginPage(res: ServerResponse, uid: string, error: string): void {
  res.statusCode = error ? 401 : 200;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.end(`<!doctype html><html><head><title>Test provider sign-in</title></head><body>
<h1>Test provider</h1>${error ? `<p role="alert">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label>User <input name="login" autocomplete="off"></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Continue to dockdeck</button>
<button type="submit" name="cancel" value="1">Cancel</button>
</form></body></html>`);
}

/** The provider's "sign out?" page of RP-initiated logout; `form` posts the confirmation (with its xsrf token). */
async function logoutPage(ctx: { body: unknown }, form: string): Promise<void> {
  ctx.body = `<!doctype html><html><head><title>Test provider sign-out</title></head><body>
<h1>Sign out of the test provider?</h1>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign out</button>
</body></html>`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 10_000) reject(new Error('body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}
