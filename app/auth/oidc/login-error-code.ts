import { AppError } from '../../core/errors.ts';

/**
 * Why a browser's OIDC callback failed, as the short code of `/login?error=…`. The login page maps
 * each to its own sentence; nothing the provider or the URL says is shown as such.
 */
export const LOGIN_ERROR_CODES = [
  'state_invalid',
  'access_denied',
  'provider_refused',
  'login_failed',
  'not_allowed',
  'provider_unavailable',
  'unknown_provider',
  'server_error',
] as const;

export type LoginErrorCode = (typeof LOGIN_ERROR_CODES)[number];

export function loginErrorCode(error: unknown): LoginErrorCode {
  if (!(error instanceof AppError)) return 'server_error';
  switch (error.code) {
    case 'OIDC_STATE_INVALID':
      return 'state_invalid';
    case 'OIDC_LOGIN_FAILED': {
      const providerError = error.details?.providerError;
      if (providerError === 'access_denied') return 'access_denied';
      return typeof providerError === 'string' ? 'provider_refused' : 'login_failed';
    }
    case 'OIDC_USER_NOT_ALLOWED':
      return 'not_allowed';
    case 'OIDC_PROVIDER_UNAVAILABLE':
      return 'provider_unavailable';
    default:
      return error.status === 404 ? 'unknown_provider' : 'server_error';
  }
}
