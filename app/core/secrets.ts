/**
 * Which values are secrets wherever containers leave the process (API, SSE, notifications,
 * exports): one rule for environment variables and labels, so the two can never disagree.
 */

export const MASK = '***';

/** Names that say "secret": the environment rule, applied to label keys too. */
const SENSITIVE_KEY = /pass(word|wd|phrase)?|secret|token|(api|access|private|secret)?_?key|credential|auth|cookie|session|salt|signature|dsn/i;

/**
 * Label namespaces whose keys are defined by a specification (or by dockdeck) and never hold
 * secrets, though a key may contain one of the words above (`org.opencontainers.image.authors`).
 */
const PUBLIC_LABEL_NAMESPACES = ['dd.', 'org.opencontainers.image.', 'org.label-schema.'];

/**
 * Values shaped like credentials whatever their key says: htpasswd entries (`user:$apr1$…`,
 * bcrypt, SHA-crypt, `{SHA}`, argon2), as Traefik's basicauth/digestauth `users` labels hold,
 * and URLs carrying a password (`scheme://user:password@host`). Linear patterns: values are untrusted.
 */
const CREDENTIAL_VALUE = /(?:^|[\s,])[^\s:,]+:(?:\$apr1\$|\$2[abxy]?\$|\$[156]\$|\{SHA\}|\$argon2)|[a-z][a-z0-9+.-]{0,31}:\/\/[^\s/@:]*:[^\s/@]+@/i;
/** Only the start of a value is stored and shown (1 KiB), so only the start needs looking at. */
const SCANNED_VALUE_LENGTH = 4096;

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** A label is secret by its key (the environment rule) or by the shape of its value; dd.* labels never are. */
export function isSensitiveLabel(key: string, value: string): boolean {
  if (key.startsWith('dd.')) return false;
  if (!PUBLIC_LABEL_NAMESPACES.some((namespace) => key.startsWith(namespace)) && isSensitiveKey(key)) return true;
  return CREDENTIAL_VALUE.test(value.slice(0, SCANNED_VALUE_LENGTH));
}

/** The labels as they may leave the process: sensitive values replaced by ***, keys kept. */
export function maskedLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) masked[key] = isSensitiveLabel(key, value) ? MASK : value;
  return masked;
}
