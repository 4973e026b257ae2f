import { loadConfig } from '../../config/load-config.ts';
import { isAllowed, userFromClaims } from './oidc-claims.ts';

const provider = (extra: Record<string, string> = {}) =>
  loadConfig({ DD_AUTH_OIDC_IDP_DISCOVERY: 'https://idp.example.test', DD_AUTH_OIDC_IDP_CLIENTID: 'dd', ...extra }).auth.oidc[0]!;

describe('OIDC claims', () => {
  it('takes USERCLAIM, then email, then sub as the user name', () => {
    expect(userFromClaims(provider(), { sub: 's1', preferred_username: 'alice', email: 'a@x.test', name: 'Alice' })).toEqual({
      type: 'oidc',
      strategy: 'idp',
      user: 'alice',
      displayName: 'Alice',
      email: 'a@x.test',
    });
    expect(userFromClaims(provider(), { sub: 's1', email: 'a@x.test' })?.user).toBe('a@x.test');
    expect(userFromClaims(provider(), { sub: 's1', preferred_username: 42 })?.user).toBe('s1');
    expect(userFromClaims(provider({ DD_AUTH_OIDC_IDP_USERCLAIM: 'upn' }), { sub: 's1', upn: 'alice@corp' })?.user).toBe('alice@corp');
    expect(userFromClaims(provider(), {})).toBeUndefined();
  });

  it('admits anyone without allow-lists, and only matches with them', () => {
    const alice = userFromClaims(provider(), { sub: 's1', preferred_username: 'Alice', email: 'alice@x.test' })!;
    expect(isAllowed(provider(), alice, {})).toBe(true);
    expect(isAllowed(provider({ DD_AUTH_OIDC_IDP_ALLOWUSERS: 'alice' }), alice, {})).toBe(true);
    expect(isAllowed(provider({ DD_AUTH_OIDC_IDP_ALLOWUSERS: 'ALICE@x.test' }), alice, {})).toBe(true);
    expect(isAllowed(provider({ DD_AUTH_OIDC_IDP_ALLOWUSERS: 'bob' }), alice, {})).toBe(false);
    const groups = provider({ DD_AUTH_OIDC_IDP_ALLOWGROUPS: 'ops' });
    expect(isAllowed(groups, alice, { groups: ['dev', 'ops'] })).toBe(true);
    expect(isAllowed(groups, alice, { groups: 'ops' })).toBe(true);
    expect(isAllowed(groups, alice, { groups: ['Ops'] })).toBe(false);
    // No group claim at all: closed.
    expect(isAllowed(groups, alice, {})).toBe(false);
    expect(isAllowed(provider({ DD_AUTH_OIDC_IDP_ALLOWGROUPS: 'ops', DD_AUTH_OIDC_IDP_GROUPCLAIM: 'roles' }), alice, { roles: ['ops'], groups: [] })).toBe(true);
  });
});
