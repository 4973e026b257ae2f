import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import WebSocket from 'ws';
import { CookieClient } from '../../bench/cookie-client.ts';
import { startDaemon, type RunningDaemon } from '../../bench/daemon.ts';
import { reserveIssuer, startOidcProvider, type RunningOidcProvider } from '../../bench/oidc-provider.ts';

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

  beforeAll(async () => {
    const issuer = await reserveIssuer();
    // The daemon discovers the provider at the first login, so the provider may start second.
    daemon = await startDaemon({
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
    });
    const base = daemon.url;
    op = await startOidcProvider(issuer, [
      { clientId: 'dockdeck', clientSecret: secrets.test, redirectUris: [`${base}/api/v1/auth/oidc/test/cb`] },
      { clientId: 'dockdeck-strict', clientSecret: secrets.strict, redirectUris: [`${base}/api/v1/auth/oidc/strict/cb`] },
    ]);
  });
  afterAll(async () => {
    await daemon?.stop();
    await op?.close();
  });

  /** Runs the whole code flow for one account; returns the client holding the session and the hops. */
  async function signIn(provider: string, login: string, password: string, returnTo = '/containers') {
    const client = new CookieClient();
    const start = await client.follow(`${daemon.url}/api/v1/auth/oidc/${provider}/redirect?returnTo=${encodeURIComponent(returnTo)}`);
    expect(start.response.status).toBe(200);
    const form = await start.response.text();
    expect(form).toContain('Test provider');
    const action = /action="([^"]+)"/.exec(form)?.[1];
    expect(action).toBeDefined();
    const submitted = await client.fetch(new URL(action!, op.issuer).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login, password }).toString(),
    });
    if (submitted.status === 401) return { client, refused: await submitted.text(), end: undefined };
    expect(submitted.status).toBe(303);
    // Stops at the daemon's answer to the callback: the redirect back into the UI.
    const intoUi = (next: string) => next.startsWith(daemon.url) && !next.includes('/api/v1/auth/oidc/');
    const end = await client.follow(new URL(submitted.headers.get('location')!, op.issuer).href, intoUi);
    return { client, refused: undefined, end };
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
    const pending = await client.cookieAttributes(daemon.url + '/api/v1/auth/oidc/test/cb', 'dockdeck.oidc');
    expect(pending?.httpOnly).toBe(true);
    expect(pending?.sameSite).toBe('lax');
    // Sealed: neither the verifier nor the state can be read from it.
    expect(pending?.value).not.toContain(location.searchParams.get('state')!);
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
    expect(await client.cookie(`${daemon.url}/api/v1/auth/oidc/test/cb`, 'dockdeck.oidc')).toBeUndefined();

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

  it('refuses a user outside ALLOWGROUPS and admits one inside', async () => {
    const bob = await signIn('strict', 'bob', 'builder');
    expect(bob.end!.response.status).toBe(403);
    expect(await bob.end!.response.json()).toEqual({ error: 'User bob is not allowed to sign in to dockdeck', code: 'OIDC_USER_NOT_ALLOWED' });
    expect(await bob.client.cookie(daemon.url, sessionCookie)).toBeUndefined();
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
    expect(await logout.json()).toEqual({ loggedOut: true });
    expect(await client.cookie(daemon.url, sessionCookie)).toBeUndefined();
    expect((await withCookie(value)).status).toBe(401);
    expect((await client.fetch(`${daemon.url}/api/v1/auth/user`)).status).toBe(401);
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
