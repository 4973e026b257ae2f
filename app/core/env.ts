import { isSensitiveKey, MASK } from './secrets.ts';

// The rule lives in secrets.ts (labels share it); re-exported for the env callers.
export { isSensitiveKey, MASK };

/** Container environment as the API shows it: sensitive values masked except through env/reveal. */
export interface EnvEntry {
  readonly key: string;
  readonly value: string;
  readonly sensitive: boolean;
}

const MAX_ENTRIES = 200;
const MAX_VALUE_LENGTH = 1024;

export function splitEnv(entries: readonly string[]): EnvEntry[] {
  return entries.map((entry) => {
    const equals = entry.indexOf('=');
    const key = equals < 0 ? entry : entry.slice(0, equals);
    const value = equals < 0 ? '' : entry.slice(equals + 1);
    return { key, value, sensitive: isSensitiveKey(key) };
  });
}

/** The env list as every non-reveal response (and the store) holds it: bounded, sensitive values as ***. */
export function maskedEnv(entries: readonly string[]): EnvEntry[] {
  return splitEnv(entries.slice(0, MAX_ENTRIES)).map((entry) =>
    entry.sensitive ? { ...entry, value: MASK } : { ...entry, value: entry.value.slice(0, MAX_VALUE_LENGTH) },
  );
}
