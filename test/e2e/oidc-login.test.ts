import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import bcrypt from 'bcryptjs';
import type { Browser, Page } from 'playwright-core';
import { startDaemon, type RunningDaemon } from '../bench/daemon.ts';
import { reserveIssuer, startOidcProvider, type RunningOidcProvider } from '../bench/oidc-provider.ts';
import { launchBrowser } from './browser.ts';
import { ensureUiBuilt } from './ui-build.ts';

/** Signing in to the web UI in Chromium: through a real OpenID provider's login form, and with the Basic form. */
let daemon: RunningDaemon;
let op: RunningOidcProvider;
let browser: Browser;

beforeAll(async () => {
  ensureUiBuilt();
  const issuer = await reserveIssuer();
  daemon = await startDaemon({
    DD_WATCHER_LOCAL_SOCKET: '/tmp/dockdeck-no-such-engine.sock',
    DD_LOG_LEVEL: 'warn',
    DD_AUTH_BASIC_ADMIN_USER: 'admin',
    DD_AUTH_BASIC_ADMIN_HASH: bcrypt.hashSync('correct horse', 6),
    'DD_AUTH_OIDC_LOOPBACK-IDP_DISCOVERY': issuer,
    'DD_AUTH_OIDC_LOOPBACK-IDP_CLIENTID': 'dockdeck-ui',
    'DD_AUTH_OIDC_LOOPBACK-IDP_CLIENTSECRET': 'ui-client-secret-0123456789',
    // bob has an account at the provider but is not let into dockdeck.
    'DD_AUTH_OIDC_LOOPBACK-IDP_ALLOWUSERS': 'alice',
  });
  op = await startOidcProvider(issuer, [
    {
      clientId: 'dockdeck-ui',
      clientSecret: 'ui-client-secret-0123456789',
      redirectUris: [`${daemon.url}/api/v1/auth/oidc/loopback-idp/cb`],
      postLogoutRedirectUris: [`${daemon.url}/login`],
    },
  ]);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
  await op?.close();
});

/** From the login page through the provider's form; the caller waits for where it lands. */
async function signInAtProvider(page: Page, login: string, password: string): Promise<void> {
  await page.getByRole('link', { name: 'Sign in with loopback-idp' }).click();
  await page.waitForURL(`${op.issuer}/interaction/**`);
  await page.getByLabel('User').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Continue to dockdeck' }).click();
}

describe('signing in to the web UI', () => {
  it('shows the login page, signs in through the provider, lands on the page it started from, and signs out of both', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${daemon.url}/containers`);
      await page.getByRole('heading', { name: 'Sign in to dockdeck' }).waitFor();
      // Both ways in, and no part of the app behind the login yet.
      expect(await page.getByRole('form', { name: 'Sign in with user name and password' }).isVisible()).toBe(true);
      expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
      await page.screenshot({ path: '/tmp/dockdeck-e2e-login.png' });

      await signInAtProvider(page, 'alice', 'wonderland');

      await page.waitForURL(`${daemon.url}/containers`);
      await page.getByRole('heading', { name: 'Containers' }).waitFor();
      expect(await page.getByTestId('signed-in-user').textContent()).toBe('Alice Liddell');
      // The event stream rides on the session cookie too.
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
      await page.screenshot({ path: '/tmp/dockdeck-e2e-signed-in.png' });

      // Sign out goes through the provider's own sign-out page and comes back to the login page.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${op.issuer}/session/end**`);
      await page.getByRole('heading', { name: 'Sign out of the test provider?' }).waitFor();
      await page.screenshot({ path: '/tmp/dockdeck-e2e-provider-sign-out.png' });
      await page.getByRole('button', { name: 'Yes, sign out' }).click();
      await page.waitForURL(`${daemon.url}/login`);
      await page.getByRole('heading', { name: 'Sign in to dockdeck' }).waitFor();
      await page.getByRole('status').filter({ hasText: 'You are signed out.' }).waitFor();
      await page.screenshot({ path: '/tmp/dockdeck-e2e-signed-out.png' });
      expect(op.endedSessions).toContain('alice');
      await page.reload();
      await page.getByRole('heading', { name: 'Sign in to dockdeck' }).waitFor();
      const cookies = await context.cookies(daemon.url);
      expect(cookies.find((cookie) => cookie.name === 'dockdeck.sid')).toBeUndefined();
      // Signed out at the provider as well: signing in again asks for the password there.
      await page.getByRole('link', { name: 'Sign in with loopback-idp' }).click();
      await page.waitForURL(`${op.issuer}/interaction/**`);
      await page.getByLabel('Password').waitFor();
    } finally {
      await context.close();
    }
  });

  it('says so plainly on the login page when the provider denies the sign-in or the user is not allowed', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${daemon.url}/system`);
      await page.getByRole('link', { name: 'Sign in with loopback-idp' }).click();
      await page.waitForURL(`${op.issuer}/interaction/**`);
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.waitForURL(`${daemon.url}/login`);
      const notice = page.getByRole('alert').filter({ hasText: 'Not signed in' });
      await notice.filter({ hasText: 'The sign-in was cancelled or denied at the identity provider.' }).waitFor();
      expect(await page.getByRole('heading', { name: 'Sign in to dockdeck' }).isVisible()).toBe(true);
      // No raw JSON anywhere, and the reason is not left in the address.
      expect(await page.locator('body').textContent()).not.toContain('"code"');
      expect(page.url()).toBe(`${daemon.url}/login`);
      await page.screenshot({ path: '/tmp/dockdeck-e2e-login-denied.png' });

      await signInAtProvider(page, 'bob', 'builder');
      await page.waitForURL(`${daemon.url}/login`);
      await notice.filter({ hasText: 'Your account is not allowed to sign in to dockdeck.' }).waitFor();
      expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
      expect((await context.cookies(daemon.url)).find((cookie) => cookie.name === 'dockdeck.sid')).toBeUndefined();
      await page.screenshot({ path: '/tmp/dockdeck-e2e-login-not-allowed.png' });

      // The message belongs to that attempt only: the login page loaded again is plain.
      await page.goto(`${daemon.url}/login`);
      await page.getByRole('heading', { name: 'Sign in to dockdeck' }).waitFor();
      expect(await page.getByRole('alert').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('signs in with the Basic form, saying so plainly when the password is wrong', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${daemon.url}/`);
      const form = page.getByRole('form', { name: 'Sign in with user name and password' });
      await form.getByLabel('User name').fill('admin');
      await form.getByLabel('Password').fill('wrong');
      await form.getByRole('button', { name: 'Sign in' }).click();
      await form.getByRole('alert').filter({ hasText: 'Wrong user name or password' }).waitFor();

      await form.getByLabel('Password').fill('correct horse');
      await form.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      expect(await page.getByTestId('signed-in-user').textContent()).toBe('admin');
      const session = (await context.cookies(daemon.url)).find((cookie) => cookie.name === 'dockdeck.sid');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    } finally {
      await context.close();
    }
  });
});
