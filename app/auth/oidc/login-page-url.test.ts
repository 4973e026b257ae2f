import { loginPageUrl } from './login-page-url.ts';

describe('loginPageUrl', () => {
  it('is the login page next to the callback, keeping a path prefix', () => {
    expect(loginPageUrl('http://127.0.0.1:3000/api/v1/auth/oidc/idp/cb', 'idp')).toBe('http://127.0.0.1:3000/login');
    expect(loginPageUrl('https://tools.example.com/dockdeck/api/v1/auth/oidc/idp/cb/', 'idp')).toBe('https://tools.example.com/dockdeck/login');
    expect(loginPageUrl('https://dd.example.com/API/v1/auth/oidc/IDP/cb', 'idp')).toBe('https://dd.example.com/login');
  });
});
