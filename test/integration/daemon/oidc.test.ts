import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import WebSocket from 'ws';
import { CookieClient } from '../../bench/cookie-client.ts';
import { startDaemon, type RunningDaemon } from '../../bench/daemon.ts';
import { reserveIssuer, startOidcProvider, type RunningOidcProvider } from '../../bench/oidc-provider.ts';
import { waitFor } from '../../bench/registry-server.ts';

/**
 * OpenID Connect sign-in against a real provider (oidc-provider on loopback), driven like a browser
 * would: the daemon's redirect, the provider's login form, its redirect back, the session cookie.
 */
describe('OpenID Connect login', () => {
  let daemon: RunningDaemon;
  let op: RunningOidcProvider;
  const secrets = { test: 'test-client-secret-0123456789', strict: 'strict-client-secret-0123456789' };
  const sessionCookie = 'dockdeck.sid';
  const basic = `Basic ${Buffer.from('admin:correct horse').toString('base64')}`;
  let daemonEnv: Record<string, string>;

  beforeAll(async () => {
    const issuer = await reserveIssuer();
    // The daemon discovers the provider at the first login, so the provider may start second.
    daemonEnv = {
      DD_WATCHER_LOCAL_SOCKET: '/tmp/dockdeck-no-such-engine.sock',
      DD_AUTH_BASIC_ADMIN_USER: 'admin',
      DD_AUTH_BASIC_ADMIN_HASH: bcrypt.hashSync('correct horse', 6),
      DD_AUTH_OIDC_TEST_DISCOVERY: issuer,
      DD_AUTH_OIDC_TEST_CLIENTID: 'dockdeck',
      DD_AUTH_OIDC_TEST_CLIENTSECRET: secrets.test,
      DD_AUTH_OIDC_STRICT_DISCOVERY: `${issuer}/.well-known/openid-configuration`,
      DD_AUTH_OIDC_STRICT_CLIENTID: 'dockdeck-strict',
      DD_AUTH_OIDC_STRICT_CLIENTSECRET: secrets.strict,
      DD_AUTH_OIDC_STRICT_ALLOWGROUPS: 'dockdeck-admins',
    };
    daemon = await startDaemon(daemonEnv);
    const base = daemon.url;
    op = await startOidcProvider(issuer, [
      { clientId: 'dockdeck', clientSecret: secrets.test, redirectUris: [`${base}/api/v1/auth/oidc/test/cb`], postLogoutRedirectUris: [`${base}/login`] },
      { clientId: 'dockdeck-strict', clientSecret: secrets.strict, redirectUris: [`${base}/api/v1/auth/oidc/strict/cb`] },
    ]);
  });
  afterAll(async () => {
    await daemon?.stop();
    await op?.close();
  });

  /** Stops at the daemon's answer to the callback: the redirect back into the UI. */
  const intoUi = (next: string) => next.startsWith(daemon.url) && !next.includes('/api/v1/auth/oidc/');

  /** Submits the provider's login form (or cancels it); undefined when the provider signed the browser in without one. */
  async function submitProviderForm(client: CookieClient, page: Response, fields: Record<string, string>): Promise<Response> {
    const form = await page.text();
    expect(form).toContain('Test provider');
    const action = /action="([^"]+)"/.exec(form)?.[1];
    expect(action).toBeDefined();
    return client.fetch(new URL(action!, op.issuer).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Runs the whole code flow for one account; returns the client holding the session and the hops. */
  async function signIn(provider: string, login: string, password: string, returnTo = '/containers', client = new CookieClient()) {
    const start = await client.follow(`${daemon.url}/api/v1/auth/oidc/${provider}/redirect?returnTo=${encodeURIComponent(returnTo)}`);
    expect(start.response.status).toBe(200);
    const submitted = await submitProviderForm(client, start.response, { login, password });
    if (submitted.status === 401) return { client, refused: await submitted.text(), end: undefined };
    expect(submitted.status).toBe(303);
    const end = await client.follow(new URL(submitted.headers.get('location')!, op.issuer).href, intoUi);
    return { client, refused: undefined, end };
  }

  /** The pending-login cookies the client holds for the callback path. */
  async function pendingCookies(client: CookieClient, provider = 'test') {
    return (await client.jar.getCookies(`${daemon.url}/api/v1/auth/oidc/${provider}/cb`)).filter((cookie) => cookie.key.startsWith('dockdeck.oidc'));
  }

  it('lists both ways to sign in without authentication', async () => {
    const response = await fetch(`${daemon.url}/api/v1/auth/strategies`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      { type: 'basic', name: 'basic' },
      { type: 'oidc', name: 'test', autoRedirect: false },
      { type: 'oidc', name: 'strict', autoRedirect: false },
    ]);
  });

  it('sends the browser to the provider with PKCE, state and nonce, and seals the pending login in a cookie', async () => {
    const client = new CookieClient();
    const response = await client.fetch(`${daemon.url}/api/v1/auth/oidc/test/redirect`);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin).toBe(op.issuer);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(location.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(location.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(location.searchParams.get('scope')).toBe('openid profile email');
    expect(location.searchParams.get('redirect_uri')).toBe(`${daemon.url}/api/v1/auth/oidc/test/cb`);
    // One cookie per login, named by its state, for the OIDC endpoints only.
    const pending = await client.cookieAttributes(daemon.url + '/api/v1/auth/oidc/test/cb', `dockdeck.oidc.${location.searchParams.get('state')}`);
    expect(await pendingCookies(client)).toHaveLength(1);
    expect(await client.cookie(daemon.url + '/api/v1/containers', `dockdeck.oidc.${location.searchParams.get('state')}`)).toBeUndefined();
    expect(pending?.httpOnly).toBe(true);
    expect(pending?.sameSite).toBe('lax');
    // Sealed: neither the verifier nor the nonce can be read from it.
    expect(pending?.value).not.toContain(location.searchParams.get('nonce')!);
    expect(Buffer.from(pending!.value.split('.')[2]!, 'base64url').toString('latin1')).not.toContain('codeVerifier');
  });

  it('signs in through the provider form, and the session authorizes the API, SSE and WebSocket', async () => {
    const wrong = await signIn('test', 'alice', 'not her password');
    expect(wrong.refused).toContain('Wrong user name or password');

    const { client, end } = await signIn('test', 'alice', 'wonderland');
    expect(end!.response.status).toBe(302);
    expect(end!.response.headers.get('location')).toBe('/containers');
    expect(end!.visited.some((url) => url.startsWith(`${daemon.url}/api/v1/auth/oidc/test/cb?`))).toBe(true);
    expect(op.attempts).toEqual(expect.arrayContaining([{ login: 'alice', ok: false }, { login: 'alice', ok: true }]));

    const cookie = await client.cookieAttributes(daemon.url, sessionCookie);
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('lax');
    expect(cookie?.secure).toBe(false);
    expect(await pendingCookies(client)).toEqual([]);

    const me = await client.fetch(`${daemon.url}/api/v1/auth/user`);
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ type: 'oidc', strategy: 'test', user: 'alice', displayName: 'Alice Liddell', email: 'alice@example.test' });
    const containers = await client.fetch(`${daemon.url}/api/v1/containers`);
    expect(containers.status).toBe(200);
    expect(await containers.json()).toMatchObject({ data: [] });

    const events = await client.fetch(`${daemon.url}/api/v1/events/ui`, { signal: AbortSignal.timeout(5000) });
    expect(events.status).toBe(200);
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    await events.body?.cancel();

    const cookieHeader = await client.jar.getCookieString(daemon.url);
    // With the session the log WebSocket upgrades (it then reports the unknown container); without, 401.
    expect(await upgradeStatus(`${daemon.url.replace('http', 'ws')}/api/v1/containers/nope/logs/stream`, cookieHeader)).toBe(101);
    expect(await upgradeStatus(`${daemon.url.replace('http', 'ws')}/api/v1/containers/nope/logs/stream`, '')).toBe(401);

    // A destructive call still needs its confirmation header, session or not.
    const rollback = await client.fetch(`${daemon.url}/api/v1/containers/nope/rollback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(rollback.status).toBe(428);
    // A write another site makes the browser send is refused even though the cookie would ride along.
    const crossSite = await client.fetch(`${daemon.url}/api/v1/containers/watch`, { method: 'POST', headers: { origin: 'http://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toEqual({ error: 'Cross-site request refused', code: 'CROSS_SITE_REQUEST' });
  });

  it('answers 401 without a session; a Basic challenge only for clients that are not the web UI', async () => {
    const anonymous = await fetch(`${daemon.url}/api/v1/containers`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: 'Authentication required', code: 'UNAUTHORIZED' });
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic realm="dockdeck"');
    const ui = await fetch(`${daemon.url}/api/v1/auth/user`, { headers: { 'x-dd-client': 'ui' } });
    expect(ui.status).toBe(401);
    expect(ui.headers.get('www-authenticate')).toBeNull();
    expect((await fetch(`${daemon.url}/api/v1/containers`, { headers: { authorization: basic } })).status).toBe(200);
  });

  it('refuses a callback whose state is forged, missing or replayed', async () => {
    const client = new CookieClient();
    await (await client.fetch(`${daemon.url}/api/v1/auth/oidc/test/redirect`)).body?.cancel();
    const forged = await client.fetch(`${daemon.url}/api/v1/auth/oidc/test/cb?code=abc&state=forged`);
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ code: 'OIDC_STATE_INVALID' });
    // The pending login is gone after one try: even the right state cannot be used now.
    const noCookie = await fetch(`${daemon.url}/api/v1/auth/oidc/test/cb?code=abc&state=whatever`);
    expect(noCookie.status).toBe(401);
    expect(await noCookie.json()).toMatchObject({ code: 'OIDC_STATE_INVALID' });

    const { end } = await signIn('test', 'alice', 'wonderland');
    const callback = end!.visited.find((url) => url.includes('/api/v1/auth/oidc/test/cb?'))!;
    const replay = await fetch(callback);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ code: 'OIDC_STATE_INVALID' });
    // The refused callback is logged (a warning), but never with its authorization code.
    const code = new URL(callback).searchParams.get('code')!;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(daemon.output()).toContain('/api/v1/auth/oidc/test/cb?…');
    expect(daemon.output()).not.toContain(code);
    expect((await fetch(`${daemon.url}/api/v1/auth/oidc/nope/redirect`)).status).toBe(404);
  });

  it('refuses a user outside ALLOWGROUPS (a browser lands on the login page, an API client gets JSON) and admits one inside', async () => {
    const bob = await signIn('strict', 'bob', 'builder');
    expect(bob.end!.response.status).toBe(302);
    expect(bob.end!.url).toBe(`${daemon.url}/login?error=not_allowed`);
    expect(await bob.client.cookie(daemon.url, sessionCookie)).toBeUndefined();
    // The same refusal to a client that does not ask for HTML: the JSON error.
    const client = new CookieClient();
    const start = await client.follow(`${daemon.url}/api/v1/auth/oidc/strict/redirect`);
    const submitted = await submitProviderForm(client, start.response, { login: 'bob', password: 'builder' });
    const atCallback = await client.follow(new URL(submitted.headers.get('location')!, op.issuer).href, (next) => next.includes('/api/v1/auth/oidc/strict/cb?'));
    const json = await client.fetch(atCallback.url, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(403);
    expect(await json.json()).toEqual({ error: 'User bob is not allowed to sign in to dockdeck', code: 'OIDC_USER_NOT_ALLOWED' });
    expect(await client.cookie(daemon.url, sessionCookie)).toBeUndefined();
    const alice = await signIn('strict', 'alice', 'wonderland', '/');
    expect(alice.end!.response.headers.get('location')).toBe('/');
    expect((await alice.client.fetch(`${daemon.url}/api/v1/containers`)).status).toBe(200);
  });

  it('rejects a tampered session cookie and ends the session at logout for every copy of the cookie', async () => {
    const { client } = await signIn('test', 'alice', 'wonderland');
    const value = (await client.cookie(daemon.url, sessionCookie))!;
    const withCookie = (cookieValue: string) => fetch(`${daemon.url}/api/v1/containers`, { headers: { cookie: `${sessionCookie}=${cookieValue}` } });
    expect((await withCookie(value)).status).toBe(200);
    const decoded = decodeURIComponent(value);
    const last = decoded.at(-1) === 'A' ? 'B' : 'A';
    const tampered = await withCookie(encodeURIComponent(decoded.slice(0, -1) + last));
    expect(tampered.status).toBe(401);
    // A browser holding a (stale) session cookie is the UI: no password prompt.
    expect(tampered.headers.get('www-authenticate')).toBeNull();

    const logout = await client.fetch(`${daemon.url}/api/v1/auth/logout`, { method: 'POST' });
    expect(logout.status).toBe(200);
    expect(await logout.json()).toEqual({ loggedOut: true, redirectUrl: expect.any(String) });
    expect(await client.cookie(daemon.url, sessionCookie)).toBeUndefined();
    expect((await withCookie(value)).status).toBe(401);
    expect((await client.fetch(`${daemon.url}/api/v1/auth/user`)).status).toBe(401);
  });

  it('signs out of the provider too: logout answers its end-session URL, whose page returns to the login page', async () => {
    const { client } = await signIn('test', 'alice', 'wonderland');
    const discovery = (await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json()) as { end_session_endpoint: string };
    const logout = await client.fetch(`${daemon.url}/api/v1/auth/logout`, { method: 'POST' });
    const answer = (await logout.json()) as { loggedOut: boolean; redirectUrl: string };
    expect(answer.loggedOut).toBe(true);
    const endSession = new URL(answer.redirectUrl);
    expect(`${endSession.origin}${endSession.pathname}`).toBe(discovery.end_session_endpoint);
    expect(endSession.searchParams.get('client_id')).toBe('dockdeck');
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${daemon.url}/login`);
    // The hint is the ID token of this very login: issued by the provider for dockdeck, about alice.
    const [, payload] = endSession.searchParams.get('id_token_hint')!.split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'))).toMatchObject({ iss: op.issuer, aud: 'dockdeck', sub: 'alice' });

    // The provider's page asks, the confirmation ends its session and sends the browser to dockdeck's login page.
    const page = await client.fetch(answer.redirectUrl, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Sign out of the test provider?');
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    const confirmed = await client.fetch(new URL(action!, op.issuer).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf: xsrf!, logout: 'yes' }).toString(),
    });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe(`${daemon.url}/login`);
    expect(op.endedSessions).toContain('alice');
    // Signed out at the provider: the next login asks for the password again.
    const again = await client.follow(`${daemon.url}/api/v1/auth/oidc/test/redirect`);
    expect(again.response.status).toBe(200);
    expect(await again.response.text()).toContain('name="password"');

    // A Basic session has no provider to sign out of; a second logout ends nothing.
    const basicClient = new CookieClient();
    await basicClient.fetch(`${daemon.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'correct horse' }) });
    expect(await (await basicClient.fetch(`${daemon.url}/api/v1/auth/logout`, { method: 'POST' })).json()).toEqual({ loggedOut: true });
    expect(await (await basicClient.fetch(`${daemon.url}/api/v1/auth/logout`, { method: 'POST' })).json()).toEqual({ loggedOut: false });
  });

  it('sends a browser whose login fails to the login page with a short reason; API clients keep the JSON error', async () => {
    const html = { accept: 'text/html,application/xhtml+xml' };
    const client = new CookieClient();
    // Forged state.
    await (await client.fetch(`${daemon.url}/api/v1/auth/oidc/test/redirect`)).body?.cancel();
    const forged = await client.fetch(`${daemon.url}/api/v1/auth/oidc/test/cb?code=abc&state=forged-state-value-123`, { headers: html });
    expect(forged.status).toBe(302);
    expect(forged.headers.get('location')).toBe('/login?error=state_invalid');
    expect(forged.headers.get('cache-control')).toBe('no-store');
    // The user cancels at the provider: it answers access_denied.
    const start = await client.follow(`${daemon.url}/api/v1/auth/oidc/test/redirect`);
    const cancelled = await submitProviderForm(client, start.response, { login: '', password: '', cancel: '1' });
    expect(cancelled.status).toBe(303);
    const denied = await client.follow(new URL(cancelled.headers.get('location')!, op.issuer).href, intoUi);
    expect(denied.visited.some((url) => url.includes('/api/v1/auth/oidc/test/cb?') && url.includes('error=access_denied'))).toBe(true);
    expect(denied.url).toBe(`${daemon.url}/login?error=access_denied`);
    expect(op.cancelled.length).toBeGreaterThan(0);
    // An unknown provider, from the address bar.
    const unknown = await fetch(`${daemon.url}/api/v1/auth/oidc/nope/redirect`, { headers: html, redirect: 'manual' });
    expect(unknown.headers.get('location')).toBe('/login?error=unknown_provider');
    // The same failures for a client that wants JSON.
    const forgedJson = await fetch(`${daemon.url}/api/v1/auth/oidc/test/cb?code=abc&state=forged-state-value-123`, { headers: { accept: 'application/json' } });
    expect(forgedJson.status).toBe(401);
    expect(await forgedJson.json()).toMatchObject({ code: 'OIDC_STATE_INVALID' });
    expect((await fetch(`${daemon.url}/api/v1/auth/oidc/nope/redirect`, { redirect: 'manual' })).status).toBe(404);
    // The log says why (with no code or state).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(daemon.output()).toContain('OpenID Connect login failed');
    expect(daemon.output()).toContain('access_denied');
  });

  it('completes two logins started at once in one browser, and keeps the pending ones bounded', async () => {
    const client = new CookieClient();
    const first = await client.fetch(`${daemon.url}/api/v1/auth/oidc/test/redirect?returnTo=/containers`);
    const second = await client.fetch(`${daemon.url}/api/v1/auth/oidc/test/redirect?returnTo=/operations`);
    const firstAt = new URL(first.headers.get('location')!);
    const secondAt = new URL(second.headers.get('location')!);
    expect(firstAt.searchParams.get('state')).not.toBe(secondAt.searchParams.get('state'));
    expect(await pendingCookies(client)).toHaveLength(2);

    // The second finishes first, then the first: each finds its own pending login.
    const finish = async (authorizationUrl: URL) => {
      const page = await client.follow(authorizationUrl.href, intoUi);
      if (page.response.status === 302) return page;
      const submitted = await submitProviderForm(client, page.response, { login: 'alice', password: 'wonderland' });
      return client.follow(new URL(submitted.headers.get('location')!, op.issuer).href, intoUi);
    };
    const secondDone = await finish(secondAt);
    expect(secondDone.url).toBe(`${daemon.url}/operations`);
    const firstDone = await finish(firstAt);
    expect(firstDone.url).toBe(`${daemon.url}/containers`);
    expect((await client.fetch(`${daemon.url}/api/v1/auth/user`)).status).toBe(200);
    expect(await pendingCookies(client)).toEqual([]);

    // Many started and never finished: at most five are kept, the newest.
    const states: string[] = [];
    for (let index = 0; index < 8; index++) {
      const response = await client.fetch(`${daemon.url}/api/v1/auth/oidc/test/redirect`);
      states.push(new URL(response.headers.get('location')!).searchParams.get('state')!);
    }
    const kept = (await pendingCookies(client)).map((cookie) => cookie.key).sort();
    expect(kept).toEqual(states.slice(-5).map((state) => `dockdeck.oidc.${state}`).sort());
  });

  it('signs in with the Basic form into a session too', async () => {
    const client = new CookieClient();
    const wrong = await client.fetch(`${daemon.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'nope' }) });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const ok = await client.fetch(`${daemon.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'correct horse' }) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ type: 'basic', strategy: 'admin', user: 'admin' });
    expect((await client.fetch(`${daemon.url}/api/v1/containers`)).status).toBe(200);
    const bad = await client.fetch(`${daemon.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' });
    expect(bad.status).toBe(400);
  });

  /** Stops the daemon and starts it again on the same port with the same store (a restart, or an update of dockdeck). */
  async function restart(env: Record<string, string> = daemonEnv): Promise<void> {
    const { port, storePath } = daemon;
    expect(await daemon.stop()).toBe(0);
    daemon = await startDaemon(env, { storePath, port });
  }

  type StoreFile = { settings: { sessionSecret?: string }; sessions: Record<string, { expiresAt: string; sealed: string }> };
  const storeFile = () => JSON.parse(readFileSync(join(daemon.storePath, 'dd.json'), 'utf8')) as StoreFile;

  it('keeps sessions across a restart, in the store only as hashes of their ids, sealed, ending when idle', async () => {
    const oidcUser = await signIn('test', 'alice', 'wonderland', '/');
    const basicUser = new CookieClient();
    await basicUser.fetch(`${daemon.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'correct horse' }) });
    const sid = (cookie: string) => /^s:([^.]+)\./.exec(decodeURIComponent(cookie))![1]!;
    const oidcSid = sid((await oidcUser.client.cookie(daemon.url, sessionCookie))!);

    await restart();
    const me = await oidcUser.client.fetch(`${daemon.url}/api/v1/auth/user`);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ type: 'oidc', user: 'alice' });
    expect((await basicUser.fetch(`${daemon.url}/api/v1/containers`)).status).toBe(200);

    const file = readFileSync(join(daemon.storePath, 'dd.json'), 'utf8');
    expect(statSync(join(daemon.storePath, 'dd.json')).mode & 0o777).toBe(0o600);
    const key = createHash('sha256').update(oidcSid).digest('hex');
    expect(storeFile().sessions[key]).toEqual({ expiresAt: expect.any(String), sealed: expect.any(String) });
    // Nothing a cookie could be made from, and nothing of who is signed in or their token.
    expect(file).not.toContain(oidcSid);
    expect(file).not.toContain('alice');
    // Still signs out of the provider after the restart (the ID token came back from the store, where it is sealed).
    const logout = (await (await oidcUser.client.fetch(`${daemon.url}/api/v1/auth/logout`, { method: 'POST' })).json()) as { redirectUrl?: string };
    const idToken = new URL(logout.redirectUrl!).searchParams.get('id_token_hint')!;
    expect(idToken).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    for (const part of idToken.split('.')) expect(file).not.toContain(part);
    // Written at once (coalesced with whatever else changed), not at the next shutdown.
    await waitFor(async () => storeFile().sessions[key] === undefined, 5000, 'the ended session to leave the store file');

    // Idle past the timeout while dockdeck was down: the session has ended when it is back.
    await daemon.stop();
    const idle = storeFile();
    for (const session of Object.values(idle.sessions)) session.expiresAt = new Date(Date.now() - 1000).toISOString();
    writeFileSync(join(daemon.storePath, 'dd.json'), JSON.stringify(idle), { mode: 0o600 });
    await restart();
    const expired = await basicUser.fetch(`${daemon.url}/api/v1/containers`);
    expect(expired.status).toBe(401);
    expect(storeFile().sessions).toEqual({});
  });

  it('ends a kept session once the configuration that admitted its user changed', async () => {
    const client = new CookieClient();
    await client.fetch(`${daemon.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'correct horse' }) });
    const alice = await signIn('strict', 'alice', 'wonderland', '/');
    await restart({ ...daemonEnv, DD_AUTH_BASIC_ADMIN_HASH: bcrypt.hashSync('a new password', 6) });
    expect((await client.fetch(`${daemon.url}/api/v1/containers`)).status).toBe(401);
    // The OIDC provider's settings did not change: its session goes on.
    expect((await alice.client.fetch(`${daemon.url}/api/v1/containers`)).status).toBe(200);
    await restart();
  });

  it('keeps the session secret in the store and never prints it or the client secrets', async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stored = JSON.parse(readFileSync(join(daemon.storePath, 'dd.json'), 'utf8')) as { settings: { sessionSecret?: string } };
    expect(stored.settings.sessionSecret).toMatch(/^[\w-]{43}$/);
    const output = daemon.output();
    expect(output).not.toContain(stored.settings.sessionSecret);
    expect(output).not.toContain(secrets.test);
    expect(output).not.toContain(secrets.strict);
    expect(output).not.toContain('NO AUTHENTICATION IS CONFIGURED');
  });
});

/** The HTTP status of a WebSocket handshake (101 when it upgraded). */
function upgradeStatus(url: string, cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: cookie ? { cookie } : {} });
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      socket.terminate();
    });
    socket.once('open', () => {
      resolve(101);
      socket.close();
    });
    socket.once('error', (error) => reject(error));
  });
}
