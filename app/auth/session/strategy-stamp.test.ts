import { loadConfig } from '../../config/load-config.ts';
import { strategyStamp } from './strategy-stamp.ts';

const hash = '$2b$06$abcdefghijklmnopqrstuuZ1bCtZ5xHkQjA7o6gVQm2c3kS0LxS5e';
const config = (extra: Record<string, string> = {}) =>
  loadConfig({
    DD_AUTH_BASIC_ADMIN_USER: 'admin',
    DD_AUTH_BASIC_ADMIN_HASH: hash,
    DD_AUTH_OIDC_IDP_DISCOVERY: 'https://idp.example.test',
    DD_AUTH_OIDC_IDP_CLIENTID: 'dd',
    ...extra,
  }).auth;

describe('strategyStamp', () => {
  const basic = { type: 'basic', strategy: 'admin' } as const;
  const oidc = { type: 'oidc', strategy: 'idp' } as const;

  it('stays the same for the same configuration and changes with what admitted the user', () => {
    expect(strategyStamp(config(), basic)).toBe(strategyStamp(config(), basic));
    expect(strategyStamp(config(), oidc)).toBe(strategyStamp(config({ DD_AUTH_OIDC_IDP_TIMEOUT: '9000' }), oidc));
    expect(strategyStamp(config(), basic)).not.toBe(strategyStamp(config({ DD_AUTH_BASIC_ADMIN_HASH: hash.replace('e', 'f') }), basic));
    expect(strategyStamp(config(), basic)).not.toBe(strategyStamp(config({ DD_AUTH_BASIC_ADMIN_USER: 'root' }), basic));
    expect(strategyStamp(config(), oidc)).not.toBe(strategyStamp(config({ DD_AUTH_OIDC_IDP_ALLOWGROUPS: 'ops' }), oidc));
    expect(strategyStamp(config(), oidc)).not.toBe(strategyStamp(config({ DD_AUTH_OIDC_IDP_CLIENTID: 'other' }), oidc));
  });

  it('is undefined once the strategy is gone', () => {
    expect(strategyStamp(config(), { type: 'basic', strategy: 'removed' })).toBeUndefined();
    expect(strategyStamp(config(), { type: 'oidc', strategy: 'admin' })).toBeUndefined();
  });
});
