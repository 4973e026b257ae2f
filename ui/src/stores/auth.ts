import { reactive } from 'vue';
import { api } from '../api/client.ts';
import { ApiError, onUnauthorized, readableError } from '../api/http.ts';
import type { AuthStrategy, AuthUser } from '../api/types.ts';

/**
 * Who is signed in. `open`: the daemon has no authentication; `signed-out`: the login page shows
 * (every 401 of the API brings it back, e.g. when the session ended on the daemon).
 */
export type AuthPhase = 'checking' | 'signed-in' | 'open' | 'signed-out' | 'unreachable';

/** The reason of a failed provider sign-in: the daemon sends the browser to `/login?error=<code>`. */
function failedLoginCode(): string {
  return location.pathname === LOGIN_PATH ? (new URLSearchParams(location.search).get('error') ?? '').slice(0, 40) : '';
}

/** The page the provider sends the browser back to after signing out, and failed sign-ins land on. */
export const LOGIN_PATH = '/login';

export const authState = reactive({
  phase: 'checking' as AuthPhase,
  user: null as AuthUser | null,
  strategies: [] as AuthStrategy[],
  error: '',
  /** Read once at start, before the router touches the address. */
  loginError: failedLoginCode(),
});

/** Set right after logout, so a provider with AUTOREDIRECT does not sign the user straight back in. */
const LOGGED_OUT_KEY = 'dockdeck.loggedOut';

onUnauthorized(() => {
  if (authState.phase === 'signed-in') void showLogin();
});

export async function checkSession(): Promise<void> {
  try {
    const user = await api.authUser();
    authState.user = user;
    authState.phase = user.type === 'none' ? 'open' : 'signed-in';
    authState.error = '';
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) await showLogin();
    else {
      authState.phase = 'unreachable';
      authState.error = readableError(error);
    }
  }
}

async function showLogin(): Promise<void> {
  authState.user = null;
  try {
    authState.strategies = await api.authStrategies();
  } catch (error) {
    authState.error = readableError(error);
  }
  authState.phase = 'signed-out';
}

export async function loginWithPassword(username: string, password: string): Promise<void> {
  authState.user = await api.login(username, password);
  sessionStorage.removeItem(LOGGED_OUT_KEY);
  authState.loginError = '';
  authState.phase = 'signed-in';
}

export function forgetLogout(): void {
  sessionStorage.removeItem(LOGGED_OUT_KEY);
}

export function justLoggedOut(): boolean {
  return sessionStorage.getItem(LOGGED_OUT_KEY) === '1';
}

export async function logout(): Promise<void> {
  const answer = await api.logout().catch(() => undefined);
  sessionStorage.setItem(LOGGED_OUT_KEY, '1');
  // Signed in through a provider that offers it: end the session there too; it sends the browser
  // back to the login page. Either way a full page load, so nothing of the previous user survives.
  location.assign(answer?.redirectUrl ?? '/');
}
