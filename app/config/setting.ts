import { z } from 'zod';
import { ConfigError } from './config-error.ts';

/** One configuration value: how to parse it, what form is expected, and its default. */
export interface Setting<T> {
  readonly schema: z.ZodType<T>;
  readonly expected: string;
  readonly description: string;
  readonly defaultValue?: T;
  /** Never echo the value back in errors or logs. */
  readonly secret?: boolean;
}

const truthy = new Set(['true', '1', 'yes', 'on']);
const falsy = new Set(['false', '0', 'no', 'off']);

export const booleanSetting = (description: string, defaultValue?: boolean): Setting<boolean> => ({
  schema: z.string().trim().toLowerCase().refine((v) => truthy.has(v) || falsy.has(v)).transform((v) => truthy.has(v)),
  expected: 'true or false',
  description,
  ...(defaultValue === undefined ? {} : { defaultValue }),
});

export const integerSetting = (
  description: string,
  min: number,
  max: number,
  defaultValue?: number,
): Setting<number> => ({
  schema: z
    .string()
    .trim()
    .regex(/^-?\d+$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max)),
  expected: `an integer from ${min} to ${max}`,
  description,
  ...(defaultValue === undefined ? {} : { defaultValue }),
});

export const stringSetting = (
  description: string,
  options: { defaultValue?: string; secret?: boolean; maxLength?: number; minLength?: number } = {},
): Setting<string> => ({
  schema: z.string().min(options.minLength ?? 1).max(options.maxLength ?? 4096),
  expected: options.minLength ? `a string of at least ${options.minLength} characters` : 'a non-empty string',
  description,
  ...(options.defaultValue === undefined ? {} : { defaultValue: options.defaultValue }),
  ...(options.secret ? { secret: true } : {}),
});

export const enumSetting = <const T extends string>(
  description: string,
  values: readonly [T, ...T[]],
  defaultValue?: T,
): Setting<T> => ({
  schema: z.string().trim().toLowerCase().pipe(z.enum(values)) as unknown as z.ZodType<T>,
  expected: `one of ${values.join(', ')}`,
  description,
  ...(defaultValue === undefined ? {} : { defaultValue }),
});

/**
 * An http(s) URL with no user:password@ in it: credentials belong in their own (secret) variables,
 * never inside a URL that gets shown. `allowHash: false` refuses a #fragment too.
 */
function isPlainHttpUrl(value: string, options: { allowHash: boolean }): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password && (options.allowHash || !url.hash);
  } catch {
    return false;
  }
}

export const urlSetting = (description: string, defaultValue?: string): Setting<string> => ({
  schema: z
    .string()
    .trim()
    .refine((v) => isPlainHttpUrl(v, { allowHash: true }))
    .transform((v) => v.replace(/\/+$/, '')),
  expected: 'an http:// or https:// URL without user:password@ (use LOGIN/PASSWORD or TOKEN)',
  description,
  ...(defaultValue === undefined ? {} : { defaultValue }),
});

/** An http(s) URL kept exactly as written (an OpenID issuer must match the provider's to the last slash). */
export const exactUrlSetting = (description: string): Setting<string> => ({
  schema: z
    .string()
    .trim()
    .refine((v) => isPlainHttpUrl(v, { allowHash: false })),
  expected: 'an http:// or https:// URL without user:password@ or #fragment',
  description,
});

/** A comma-separated list of short words (user names, groups); blanks are dropped. */
export const listSetting = (description: string, max = 100): Setting<readonly string[]> => ({
  schema: z
    .string()
    .transform((v) => v.split(',').map((entry) => entry.trim()).filter(Boolean))
    .pipe(z.array(z.string().max(256)).min(1).max(max)),
  expected: `a comma-separated list of up to ${max} entries`,
  description,
});

/** Docker label keys and values as the engine's `label` filter takes them: no commas, no spaces. */
const LABEL_FILTER_ENTRY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}(=[^,\s]{1,256})?$/;

/** A comma-separated list of `key` or `key=value` label filters, all of which must match. */
export const labelFilterSetting = (description: string): Setting<readonly string[]> => ({
  schema: z
    .string()
    .trim()
    .transform((v) => v.split(',').map((entry) => entry.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(LABEL_FILTER_ENTRY)).min(1).max(20)),
  expected: 'a comma-separated list of up to 20 label filters, each key or key=value (for example dd.scope=media)',
  description,
});

/** Parses one raw value; a bad value throws a ConfigError naming the variable. */
export function parseSetting<T>(variable: string, setting: Setting<T>, raw: string | undefined): T | undefined {
  if (raw === undefined || raw === '') return setting.defaultValue;
  const result = setting.schema.safeParse(raw);
  if (result.success) return result.data;
  const shown = setting.secret ? 'the value' : `'${raw.length > 60 ? `${raw.slice(0, 60)}…` : raw}'`;
  throw new ConfigError(variable, `${shown} is not valid`, setting.expected);
}

export type SettingTable = Record<string, Setting<unknown>>;

/** Parses every key of a table from a source of raw values. */
export function parseTable<S extends SettingTable>(
  variableOf: (key: string) => string,
  table: S,
  rawOf: (key: string) => string | undefined,
): { [K in keyof S]: S[K] extends Setting<infer T> ? T | undefined : never } {
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(table)) {
    out[key] = parseSetting(variableOf(key), setting, rawOf(key));
  }
  return out as { [K in keyof S]: S[K] extends Setting<infer T> ? T | undefined : never };
}
