import { AppError, notFound } from '../../core/errors.ts';
import { loginErrorCode } from './login-error-code.ts';

describe('loginErrorCode', () => {
  it('names each way a callback fails with its own short code', () => {
    expect(loginErrorCode(new AppError(401, 'OIDC_STATE_INVALID', 'x'))).toBe('state_invalid');
    expect(loginErrorCode(new AppError(401, 'OIDC_LOGIN_FAILED', 'x', { providerError: 'access_denied' }))).toBe('access_denied');
    expect(loginErrorCode(new AppError(401, 'OIDC_LOGIN_FAILED', 'x', { providerError: 'login_required' }))).toBe('provider_refused');
    expect(loginErrorCode(new AppError(401, 'OIDC_LOGIN_FAILED', 'code exchange failed'))).toBe('login_failed');
    expect(loginErrorCode(new AppError(403, 'OIDC_USER_NOT_ALLOWED', 'x'))).toBe('not_allowed');
    expect(loginErrorCode(new AppError(502, 'OIDC_PROVIDER_UNAVAILABLE', 'x'))).toBe('provider_unavailable');
    expect(loginErrorCode(notFound('OpenID Connect provider', 'nope'))).toBe('unknown_provider');
    expect(loginErrorCode(new Error('store write failed'))).toBe('server_error');
    expect(loginErrorCode(new AppError(503, 'AUTH_UNAVAILABLE', 'x'))).toBe('server_error');
  });
});
