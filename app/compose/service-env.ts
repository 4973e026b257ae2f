import { splitEnv } from '../core/env.ts';
import { isSensitiveLabel } from '../core/secrets.ts';
import { keptLabels } from '../updates/container-spec.ts';
import { literal, type PlaceholderNames } from './compose-values.ts';

export interface EnvPart {
  /** `KEY=value` entries, values escaped; secrets as `KEY=${PLACEHOLDER}`. */
  readonly environment: string[];
  /** Placeholders the .env file must list, in order. */
  readonly placeholders: string[];
  readonly warnings: string[];
  /** Keys of sensitive variables written out with their real values (sanitize off), for the audit. */
  readonly revealedKeys: string[];
}

/**
 * The container's environment less what the image sets by itself. Sensitive names are the ones
 * the API masks everywhere (core/env.ts): with sanitizing they become placeholders.
 */
export function environmentOf(
  service: string,
  containerEnv: readonly string[],
  imageEnv: readonly string[] | undefined,
  sanitize: boolean,
  names: PlaceholderNames,
): EnvPart {
  const imageDefaults = new Set(imageEnv ?? []);
  const part: EnvPart = { environment: [], placeholders: [], warnings: [], revealedKeys: [] };
  const raw = containerEnv.filter((entry) => !imageDefaults.has(entry));
  splitEnv(raw).forEach((entry, index) => {
    const hasValue = (raw[index] ?? '').includes('=');
    if (!entry.sensitive || !hasValue) {
      part.environment.push(literal(hasValue ? `${entry.key}=${entry.value}` : entry.key));
      return;
    }
    if (!sanitize) {
      part.environment.push(literal(`${entry.key}=${entry.value}`));
      part.revealedKeys.push(entry.key);
      return;
    }
    const placeholder = names.allocate(service, entry.key);
    part.environment.push(`${literal(entry.key)}=\${${placeholder}}`);
    part.placeholders.push(placeholder);
    part.warnings.push(placeholder === entry.key ? `Secret '${entry.key}' was sanitized` : `Secret '${entry.key}' of service '${service}' was sanitized as \${${placeholder}}`);
  });
  return part;
}

export interface LabelsPart {
  readonly labels: Record<string, string>;
  readonly placeholders: string[];
  readonly warnings: string[];
  /** `label:<key>` of sensitive labels written out with their real values (sanitize off), for the audit. */
  readonly revealedKeys: string[];
}

/**
 * Labels the user set: not the image's, not Compose's own bookkeeping (Compose writes those anew).
 * Sensitive ones (core/secrets.ts, the rule the API masks them by) become placeholders like env secrets.
 */
export function labelsOf(
  service: string,
  containerLabels: Readonly<Record<string, string>>,
  imageLabels: Readonly<Record<string, string>> | undefined,
  sanitize: boolean,
  names: PlaceholderNames,
): LabelsPart {
  const kept = keptLabels(containerLabels, imageLabels ?? {});
  const part: LabelsPart = { labels: {}, placeholders: [], warnings: [], revealedKeys: [] };
  for (const [key, value] of Object.entries(kept)) {
    if (key.startsWith('com.docker.compose.')) continue;
    // Keys are not interpolated by Compose, values are.
    if (!isSensitiveLabel(key, value)) {
      part.labels[key] = literal(value);
    } else if (!sanitize) {
      part.labels[key] = literal(value);
      part.revealedKeys.push(`label:${key}`);
    } else {
      const placeholder = names.allocate(service, key, 'label');
      part.labels[key] = `\${${placeholder}}`;
      part.placeholders.push(placeholder);
      part.warnings.push(`Secret label '${key}' of service '${service}' was sanitized as \${${placeholder}}`);
    }
  }
  return part;
}
