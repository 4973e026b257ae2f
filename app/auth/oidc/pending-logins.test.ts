import type { PendingLogin } from './oidc-login.ts';
import { MAX_PENDING_LOGINS, pendingCookieName, pendingCookiesToClear } from './pending-logins.ts';

const pending = (state: string, expiresAt: number): PendingLogin => ({ provider: 'idp', state, nonce: 'n', codeVerifier: 'v', callbackUrl: 'https://dd.test/cb', returnTo: '/', expiresAt });
const state = (index: number) => `state-${String(index).padStart(12, '0')}`;

describe('pending login cookies', () => {
  it('are named by the state, and only for states a login of ours could have', () => {
    expect(pendingCookieName('AbC_123-xyz_456789')).toBe('dockdeck.oidc.AbC_123-xyz_456789');
    for (const bad of ['', 'short', 'x'.repeat(129), 'has space in it ok', 'semi;colon=value-x', 'é'.repeat(20)]) expect(pendingCookieName(bad)).toBeUndefined();
  });

  it('keep room for the new login by clearing foreign, expired and then the oldest ones', () => {
    const cookies = new Map<string, PendingLogin | undefined>();
    for (let index = 0; index < MAX_PENDING_LOGINS + 1; index++) cookies.set(pendingCookieName(state(index))!, pending(state(index), 1000 + index));
    cookies.set('dockdeck.oidc.tampered-value-00', undefined);
    // Sealed for another state than its name says: moved from another cookie.
    cookies.set(pendingCookieName(state(99))!, pending(state(98), 5000));
    cookies.set(pendingCookieName(state(50))!, pending(state(50), 10));
    const cleared = pendingCookiesToClear(cookies, 100);
    expect(cleared.sort()).toEqual(
      ['dockdeck.oidc.tampered-value-00', pendingCookieName(state(99)), pendingCookieName(state(50)), pendingCookieName(state(0)), pendingCookieName(state(1))].sort(),
    );
    expect(cookies.size - cleared.length).toBe(MAX_PENDING_LOGINS - 1);
  });

  it('clear nothing while there is room', () => {
    const cookies = new Map([[pendingCookieName(state(1))!, pending(state(1), 1000)]]);
    expect(pendingCookiesToClear(cookies, 0)).toEqual([]);
  });
});
