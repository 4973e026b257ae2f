import { AppError } from '../../core/errors.ts';
import { loadConfig } from '../../config/load-config.ts';
import { OidcLogin, type PendingLogin } from './oidc-login.ts';

const issuer = 'https://idp.example.test';
const provider = loadConfig({ DD_AUTH_OIDC_IDP_DISCOVERY: issuer, DD_AUTH_OIDC_IDP_CLIENTID: 'dockdeck', DD_AUTH_OIDC_IDP_SCOPE: 'openid email' }).auth.oidc[0]!;
const metadata = {
  issuer,
  authorization_endpoint: `${issuer}/authorize`,
  token_endpoint: `${issuer}/token`,
  jwks_uri: `${issuer}/jwks`,
  response_types_supported: ['code'],
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['RS256'],
};

/** A provider that is down for the first `failures` discovery calls, then answers. */
function flakyProvider(failures: number) {
  const calls: string[] = [];
  const fetcher = async (url: string | URL | Request) => {
    calls.push(String(url));
    if (calls.length <= failures) return new Response('down', { status: 503 });
    return Response.json(metadata);
  };
  return { calls, fetch: fetcher as typeof fetch };
}

describe('OidcLogin', () => {
  it('builds the authorization URL with PKCE S256, state, nonce, scope and callback', async () => {
    const { fetch } = flakyProvider(0);
    const login = new OidcLogin(provider, { fetch, now: () => 1000 });
    const { url, pending } = await login.start('https://dd.example.test/api/v1/auth/oidc/idp/cb', '/containers');
    expect(`${url.origin}${url.pathname}`).toBe(`${issuer}/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'dockdeck',
      response_type: 'code',
      redirect_uri: 'https://dd.example.test/api/v1/auth/oidc/idp/cb',
      scope: 'openid email',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    expect(url.searchParams.get('code_challenge')).not.toBe(pending.codeVerifier);
    expect(pending).toMatchObject({ provider: 'idp', returnTo: '/containers', expiresAt: 1000 + 10 * 60 * 1000 });
    const second = await login.start('https://dd.example.test/api/v1/auth/oidc/idp/cb', '/');
    expect(second.pending.state).not.toBe(pending.state);
    expect(second.pending.codeVerifier).not.toBe(pending.codeVerifier);
  });

  it('answers 502 while the provider is down and discovers again at the next login', async () => {
    const provider503 = flakyProvider(1);
    const failures: string[] = [];
    const login = new OidcLogin(provider, { fetch: provider503.fetch, onFailure: (name) => failures.push(name) });
    const error = await login.start('https://dd.example.test/cb', '/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 502, code: 'OIDC_PROVIDER_UNAVAILABLE' });
    expect(failures).toEqual(['idp']);
    await expect(login.start('https://dd.example.test/cb', '/')).resolves.toHaveProperty('pending');
    // Discovered once it worked: later logins reuse it.
    await login.start('https://dd.example.test/cb', '/');
    expect(provider503.calls).toHaveLength(2);
  });

  it('refuses a callback without its pending login, for another provider, expired, or with another state', async () => {
    let now = 0;
    const login = new OidcLogin(provider, { fetch: flakyProvider(0).fetch, now: () => now });
    const { pending } = await login.start('https://dd.example.test/cb', '/');
    const query = (state: string) => new URLSearchParams({ code: 'c', state });
    const refused = async (pendingLogin: PendingLogin | undefined, state = pending.state) =>
      (await login.finish(query(state), pendingLogin).catch((e: unknown) => e)) as AppError;
    expect(await refused(undefined)).toMatchObject({ status: 401, code: 'OIDC_STATE_INVALID' });
    expect(await refused(pending, 'other')).toMatchObject({ status: 401, code: 'OIDC_STATE_INVALID' });
    expect(await refused({ ...pending, provider: 'other' })).toMatchObject({ status: 401, code: 'OIDC_STATE_INVALID' });
    now = pending.expiresAt;
    expect(await refused(pending)).toMatchObject({ status: 401, code: 'OIDC_STATE_INVALID' });
    now = 0;
    const denied = (await login.finish(new URLSearchParams({ state: pending.state, error: 'access_denied' }), pending).catch((e: unknown) => e)) as AppError;
    expect(denied).toMatchObject({ status: 401, code: 'OIDC_LOGIN_FAILED', details: { providerError: 'access_denied' } });
    expect(denied.message).toContain('access_denied');
  });

  it('builds the end-session URL with the ID token hint, the client and the page to come back to', async () => {
    const withLogout = { ...metadata, end_session_endpoint: `${issuer}/session/end` };
    const login = new OidcLogin(provider, { fetch: (async () => Response.json(withLogout)) as unknown as typeof fetch });
    const url = await login.endSessionUrl('id.token.sig', 'https://dd.example.test/login');
    expect(`${url?.origin}${url?.pathname}`).toBe(`${issuer}/session/end`);
    expect(Object.fromEntries(url!.searchParams)).toEqual({ client_id: 'dockdeck', id_token_hint: 'id.token.sig', post_logout_redirect_uri: 'https://dd.example.test/login' });
    // Without a kept token the provider still learns the client.
    expect(Object.fromEntries((await login.endSessionUrl(undefined, 'https://dd.example.test/login'))!.searchParams)).toEqual({
      client_id: 'dockdeck',
      post_logout_redirect_uri: 'https://dd.example.test/login',
    });
  });

  it('has no end-session URL when the provider advertises none or cannot be reached', async () => {
    expect(await new OidcLogin(provider, { fetch: flakyProvider(0).fetch }).endSessionUrl('t', 'https://dd.example.test/login')).toBeUndefined();
    const failures: string[] = [];
    const down = new OidcLogin(provider, { fetch: flakyProvider(5).fetch, onFailure: (name) => failures.push(name) });
    expect(await down.endSessionUrl('t', 'https://dd.example.test/login')).toBeUndefined();
    expect(failures).toEqual(['idp']);
  });
});
