/** Small value conversions between inspect data and the Compose file format. */

/** Compose interpolates `$VAR` and `${VAR}` in every value: `$$` is a literal dollar. */
export function literal(value: string): string {
  return value.replaceAll('$', '$$$$');
}

export function literals(values: readonly string[]): string[] {
  return values.map(literal);
}

/** Engine durations are nanoseconds; Compose wants Go-style durations such as `30s` or `1500ms`. */
export function duration(nanoseconds: number): string {
  if (nanoseconds % 1e9 === 0) return `${nanoseconds / 1e9}s`;
  if (nanoseconds % 1e6 === 0) return `${nanoseconds / 1e6}ms`;
  if (nanoseconds % 1e3 === 0) return `${nanoseconds / 1e3}us`;
  return `${nanoseconds}ns`;
}

/** Bytes in the units Compose (go-units) reads: `64m`, `1g`, or plain bytes. */
export function byteSize(bytes: number): string | number {
  for (const [unit, size] of [['g', 1024 ** 3], ['m', 1024 ** 2], ['k', 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return bytes;
}

/** Compose service names allow `[a-zA-Z0-9._-]`; container names nearly always fit already. */
export function serviceNameOf(containerName: string): string {
  const cleaned = containerName.replace(/^\//, '').replace(/[^a-zA-Z0-9._-]/g, '-').replace(/^[._-]+/, '');
  return cleaned.slice(0, 63) || 'service';
}

/** A name safe in `${...}` and as a `.env` key: letters, digits and `_`, not starting with a digit. */
export function variableNameOf(key: string): string {
  const cleaned = key.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 100);
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

/**
 * Hands out one placeholder variable per (service, env key): the key itself when it is free,
 * else prefixed with the service, so two services' `DB_PASSWORD` never share one value. A label
 * gets `LABEL_<KEY>` (its key is rarely a usable variable name, and never shares an env variable's).
 */
export class PlaceholderNames {
  readonly #byOwner = new Map<string, string>();
  readonly #taken = new Set<string>();

  allocate(service: string, key: string, kind: 'env' | 'label' = 'env'): string {
    const owner = `${service}\u0000${kind}\u0000${key}`;
    const existing = this.#byOwner.get(owner);
    if (existing) return existing;
    const variable = kind === 'label' ? `LABEL_${key}`.toUpperCase() : key;
    const plain = variableNameOf(variable);
    let name = this.#taken.has(plain) ? variableNameOf(`${service}_${variable}`).toUpperCase() : plain;
    for (let suffix = 2; this.#taken.has(name); suffix++) name = `${variableNameOf(`${service}_${variable}`).toUpperCase()}_${suffix}`;
    this.#taken.add(name);
    this.#byOwner.set(owner, name);
    return name;
  }
}

export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false || value === 0) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}
