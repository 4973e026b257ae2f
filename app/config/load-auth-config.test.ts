import { loadConfig } from './load-config.ts';

const oidc = { DD_AUTH_OIDC_DEX_DISCOVERY: 'https://dex.example.test/', DD_AUTH_OIDC_DEX_CLIENTID: 'dockdeck' };

describe('DD_AUTH_OIDC_{NAME}_*', () => {
  it('parses a provider with its defaults, keeping the issuer URL exactly as written', () => {
    const config = loadConfig({ ...oidc, DD_AUTH_OIDC_DEX_CLIENTSECRET: 's3cret-value' });
    expect(config.auth.oidc).toEqual([
      {
        name: 'dex',
        discovery: 'https://dex.example.test/',
        clientId: 'dockdeck',
        clientSecret: 's3cret-value',
        autoRedirect: false,
        scope: 'openid profile email',
        timeoutMs: 5000,
        userClaim: 'preferred_username',
        groupClaim: 'groups',
        allowUsers: [],
        allowGroups: [],
      },
    ]);
    expect(config.auth.basic).toEqual([]);
    expect(config.warnings).toEqual([]);
  });

  it('names the missing variable', () => {
    expect(() => loadConfig({ DD_AUTH_OIDC_DEX_CLIENTID: 'x' })).toThrow('DD_AUTH_OIDC_DEX_DISCOVERY: is missing');
    expect(() => loadConfig({ DD_AUTH_OIDC_DEX_DISCOVERY: 'https://dex.example.test' })).toThrow('DD_AUTH_OIDC_DEX_CLIENTID: is missing');
  });

  it('refuses a discovery URL that is not http(s) or carries credentials, naming the variable', () => {
    expect(() => loadConfig({ ...oidc, DD_AUTH_OIDC_DEX_DISCOVERY: 'ftp://dex' })).toThrow(/^DD_AUTH_OIDC_DEX_DISCOVERY: 'ftp:\/\/dex' is not valid/);
    expect(() => loadConfig({ ...oidc, DD_AUTH_OIDC_DEX_DISCOVERY: 'https://u:p@dex' })).toThrow('DD_AUTH_OIDC_DEX_DISCOVERY');
  });

  it('requires openid among the scopes', () => {
    expect(() => loadConfig({ ...oidc, DD_AUTH_OIDC_DEX_SCOPE: 'profile email' })).toThrow("DD_AUTH_OIDC_DEX_SCOPE: 'profile email' does not include openid");
    expect(loadConfig({ ...oidc, DD_AUTH_OIDC_DEX_SCOPE: 'openid groups' }).auth.oidc[0]!.scope).toBe('openid groups');
  });

  it('reads REDIRECT as the callback URL, or as What\'s Up Docker\'s auto-redirect flag', () => {
    const url = 'https://dockdeck.example.test/api/v1/auth/oidc/dex/cb';
    expect(loadConfig({ ...oidc, DD_AUTH_OIDC_DEX_REDIRECT: url }).auth.oidc[0]).toMatchObject({ callbackUrl: url, autoRedirect: false });
    expect(loadConfig({ ...oidc, DD_AUTH_OIDC_DEX_REDIRECT: 'true' }).auth.oidc[0]).toMatchObject({ autoRedirect: true });
    expect(loadConfig({ ...oidc, DD_AUTH_OIDC_DEX_REDIRECT: 'true' }).auth.oidc[0]!.callbackUrl).toBeUndefined();
    expect(loadConfig({ ...oidc, DD_AUTH_OIDC_DEX_AUTOREDIRECT: 'yes' }).auth.oidc[0]!.autoRedirect).toBe(true);
    // Behind a proxy with a path prefix.
    expect(loadConfig({ ...oidc, DD_AUTH_OIDC_DEX_REDIRECT: 'https://h.example/dd/api/v1/auth/oidc/dex/cb' }).auth.oidc[0]!.callbackUrl).toBe('https://h.example/dd/api/v1/auth/oidc/dex/cb');
    expect(() => loadConfig({ ...oidc, DD_AUTH_OIDC_DEX_REDIRECT: 'https://dockdeck.example.test/callback' })).toThrow(
      /^DD_AUTH_OIDC_DEX_REDIRECT: .* is not valid; expected an http:\/\/ or https:\/\/ URL ending in \/api\/v1\/auth\/oidc\/dex\/cb/,
    );
    expect(() => loadConfig({ ...oidc, DD_AUTH_OIDC_DEX_REDIRECT: 'maybe' })).toThrow('DD_AUTH_OIDC_DEX_REDIRECT');
  });

  it('parses the allow-lists (user names lower-cased) and the claims', () => {
    const [provider] = loadConfig({
      ...oidc,
      DD_AUTH_OIDC_DEX_ALLOWUSERS: ' Alice, bob@example.test ,',
      DD_AUTH_OIDC_DEX_ALLOWGROUPS: 'ops,Admins',
      DD_AUTH_OIDC_DEX_USERCLAIM: 'email',
      DD_AUTH_OIDC_DEX_GROUPCLAIM: 'roles',
      DD_AUTH_OIDC_DEX_TIMEOUT: '2000',
    }).auth.oidc;
    expect(provider).toMatchObject({ allowUsers: ['alice', 'bob@example.test'], allowGroups: ['ops', 'Admins'], userClaim: 'email', groupClaim: 'roles', timeoutMs: 2000 });
    expect(() => loadConfig({ ...oidc, DD_AUTH_OIDC_DEX_ALLOWUSERS: ' , ' })).toThrow('DD_AUTH_OIDC_DEX_ALLOWUSERS');
    expect(() => loadConfig({ ...oidc, DD_AUTH_OIDC_DEX_TIMEOUT: '100' })).toThrow('DD_AUTH_OIDC_DEX_TIMEOUT');
  });

  it('never echoes the client secret, warns about unknown keys and plain http to another host', () => {
    const config = loadConfig({ ...oidc, DD_AUTH_OIDC_DEX_DISCOVERY: 'http://idp.example.test', DD_AUTH_OIDC_DEX_CLIENTSCRET: 'x' });
    expect(config.warnings).toContain('Unknown variable DD_AUTH_OIDC_DEX_CLIENTSCRET is ignored');
    expect(config.warnings.some((warning) => warning.startsWith('DD_AUTH_OIDC_DEX_DISCOVERY uses plain http'))).toBe(true);
    expect(loadConfig({ ...oidc, DD_AUTH_OIDC_DEX_DISCOVERY: 'http://127.0.0.1:9000' }).warnings).toEqual([]);
    expect(() => loadConfig({ ...oidc, DD_AUTH_OIDC_DEX_CLIENTSECRET: '' .padEnd(5000, 'k') })).toThrow(/^DD_AUTH_OIDC_DEX_CLIENTSECRET: the value is not valid/);
  });

  it('keeps Basic users as before and reports other auth types', () => {
    const config = loadConfig({ DD_AUTH_BASIC_ADMIN_USER: 'admin', DD_AUTH_BASIC_ADMIN_HASH: `scrypt:${'a'.repeat(8)}:${'b'.repeat(8)}`, DD_AUTH_LDAP_X_URL: 'ldap://x' });
    expect(config.auth.basic).toEqual([{ name: 'admin', user: 'admin', hash: 'scrypt:aaaaaaaa:bbbbbbbb' }]);
    expect(config.warnings).toContain('DD_AUTH_LDAP_X_* is ignored: authentication types are BASIC and OIDC');
    expect(() => loadConfig({ DD_AUTH_BASIC_ADMIN_USER: 'admin' })).toThrow('DD_AUTH_BASIC_ADMIN_HASH: is missing');
  });

  it('reads the session settings', () => {
    expect(loadConfig({}).auth.session).toEqual({ timeoutHours: 24 });
    const secret = 'x'.repeat(32);
    expect(loadConfig({ DD_SERVER_SESSION_SECRET: secret, DD_SERVER_SESSION_TIMEOUT_HOURS: '2' }).auth.session).toEqual({ secret, timeoutHours: 2 });
    expect(() => loadConfig({ DD_SERVER_SESSION_SECRET: 'short' })).toThrow(/^DD_SERVER_SESSION_SECRET: the value is not valid; expected a string of at least 32 characters/);
  });
});
