import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import bcrypt from 'bcryptjs';
import type { Browser } from 'playwright-core';
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
  });
  op = await startOidcProvider(issuer, [
    { clientId: 'dockdeck-ui', clientSecret: 'ui-client-secret-0123456789', redirectUris: [`${daemon.url}/api/v1/auth/oidc/loopback-idp/cb`] },
  ]);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
  await op?.close();
});

describe('signing in to the web UI', () => {
  it('shows the login page, signs in through the provider, lands on the page it started from, and signs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${daemon.url}/containers`);
      await page.getByRole('heading', { name: 'Sign in to dockdeck' }).waitFor();
      // Both ways in, and no part of the app behind the login yet.
      expect(await page.getByRole('form', { name: 'Sign in with user name and password' }).isVisible()).toBe(true);
      expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
      await page.screenshot({ path: '/tmp/dockdeck-e2e-login.png' });

      await page.getByRole('link', { name: 'Sign in with loopback-idp' }).click();
      await page.waitForURL(`${op.issuer}/interaction/**`);
      await page.getByLabel('User').fill('alice');
      await page.getByLabel('Password').fill('wonderland');
      await page.getByRole('button', { name: 'Continue to dockdeck' }).click();

      await page.waitForURL(`${daemon.url}/containers`);
      await page.getByRole('heading', { name: 'Containers' }).waitFor();
      expect(await page.getByTestId('signed-in-user').textContent()).toBe('Alice Liddell');
      // The event stream rides on the session cookie too.
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
      await page.screenshot({ path: '/tmp/dockdeck-e2e-signed-in.png' });

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to dockdeck' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Sign in to dockdeck' }).waitFor();
      const cookies = await context.cookies(daemon.url);
      expect(cookies.find((cookie) => cookie.name === 'dockdeck.sid')).toBeUndefined();
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
