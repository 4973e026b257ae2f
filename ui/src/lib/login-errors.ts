/**
 * What the login page says when a sign-in through a provider came back failed
 * (`/login?error=<code>`, set by the daemon's OIDC endpoints). Only these fixed sentences are
 * shown: the query string is anyone's to craft.
 */
const MESSAGES: Record<string, string> = {
  access_denied: 'The sign-in was cancelled or denied at the identity provider.',
  not_allowed: 'Your account is not allowed to sign in to dockdeck. Ask an administrator to add you.',
  state_invalid: 'The sign-in expired or was started in another browser. Please try again.',
  provider_refused: 'The identity provider did not complete the sign-in. Please try again.',
  login_failed: 'The sign-in could not be completed with the identity provider. Please try again.',
  provider_unavailable: 'The identity provider cannot be reached right now. Try again in a moment.',
  unknown_provider: 'This way to sign in is not configured on the daemon.',
  server_error: 'The daemon failed to complete the sign-in. Try again; the daemon log has the details.',
};

export function loginErrorMessage(code: string | null | undefined): string {
  if (!code) return '';
  return MESSAGES[code] ?? 'The sign-in did not complete. Please try again.';
}
