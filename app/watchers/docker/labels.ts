import { truncate } from '../../core/errors.ts';
import { isSensitiveLabel, MASK } from '../../core/secrets.ts';
import { compileSafePattern, UnsafePatternError } from '../../core/safe-regex.ts';
import { MAX_TEMPLATE_LENGTH } from '../../core/template.ts';

/** The dd.* labels a container can carry to tune its watching. */
export const LABELS = {
  watch: 'dd.watch',
  watchDigest: 'dd.watch.digest',
  tagInclude: 'dd.tag.include',
  tagExclude: 'dd.tag.exclude',
  tagTransform: 'dd.tag.transform',
  linkTemplate: 'dd.link.template',
  displayName: 'dd.display.name',
  displayIcon: 'dd.display.icon',
  group: 'dd.group',
  triggerInclude: 'dd.trigger.include',
  triggerExclude: 'dd.trigger.exclude',
} as const;

export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const DEFAULT_ICON = 'mdi:docker';

const MAX_SHORT_TEXT = 128;
const MAX_TRIGGER_LIST = 1024;
/** How much of the raw labels is kept on the stored container (labels are untrusted and can be huge). */
export const MAX_STORED_LABELS = 100;
const MAX_STORED_LABEL_KEY = 256;
const MAX_STORED_LABEL_VALUE = 1024;

export interface WatchLabels {
  /** dd.watch when present and valid. */
  readonly watch?: boolean;
  readonly watchDigest?: boolean;
  readonly includeTags?: string;
  readonly excludeTags?: string;
  readonly transformTags?: string;
  readonly linkTemplate?: string;
  readonly displayName?: string;
  readonly displayIcon?: string;
  readonly group?: string;
  readonly triggerInclude?: string;
  readonly triggerExclude?: string;
}

/** A label the container cannot be watched with; the container becomes `unknown` with this message. */
export class LabelError extends Error {
  readonly label: string;
  constructor(label: string, message: string) {
    super(`label ${label}: ${message}`);
    this.name = 'LabelError';
    this.label = label;
  }
}

/**
 * Reads the dd.* labels. A bad label never throws: it is left out and the first problem is
 * returned, while the valid labels still apply (a bad pattern must not turn dd.watch off).
 */
export function parseWatchLabels(labels: Readonly<Record<string, string>>): { labels: WatchLabels; error?: LabelError } {
  let error: LabelError | undefined;
  const read = <T>(parse: (value: string | undefined) => T | undefined, name: string): T | undefined => {
    const value = Object.prototype.hasOwnProperty.call(labels, name) ? labels[name] : undefined;
    try {
      return parse(value);
    } catch (problem) {
      if (!(problem instanceof LabelError)) throw problem;
      error ??= problem;
      return undefined;
    }
  };
  const parsed = dropUndefined({
    watch: read((v) => booleanLabel(LABELS.watch, v), LABELS.watch),
    watchDigest: read((v) => booleanLabel(LABELS.watchDigest, v), LABELS.watchDigest),
    includeTags: read((v) => patternLabel(LABELS.tagInclude, v), LABELS.tagInclude),
    excludeTags: read((v) => patternLabel(LABELS.tagExclude, v), LABELS.tagExclude),
    transformTags: read(transformLabel, LABELS.tagTransform),
    linkTemplate: read((v) => boundedText(LABELS.linkTemplate, v, MAX_TEMPLATE_LENGTH), LABELS.linkTemplate),
    displayName: read((v) => boundedText(LABELS.displayName, v, MAX_SHORT_TEXT), LABELS.displayName),
    displayIcon: read(iconLabel, LABELS.displayIcon),
    group: read((v) => boundedText(LABELS.group, v, MAX_SHORT_TEXT), LABELS.group),
    triggerInclude: read((v) => boundedText(LABELS.triggerInclude, v, MAX_TRIGGER_LIST), LABELS.triggerInclude),
    triggerExclude: read((v) => boundedText(LABELS.triggerExclude, v, MAX_TRIGGER_LIST), LABELS.triggerExclude),
  }) as WatchLabels;
  return error ? { labels: parsed, error } : { labels: parsed };
}

function booleanLabel(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const normalised = value.trim().toLowerCase();
  if (normalised === 'true') return true;
  if (normalised === 'false') return false;
  throw new LabelError(name, `'${truncate(value, 40)}' is not true or false`);
}

function patternLabel(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    compileSafePattern(value);
  } catch (error) {
    if (error instanceof UnsafePatternError) throw new LabelError(name, error.message);
    throw error;
  }
  return value;
}

/** `pattern => replacement`: the pattern must be safe, the replacement short. */
function transformLabel(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const name = LABELS.tagTransform;
  const arrow = value.indexOf('=>');
  if (arrow < 0) throw new LabelError(name, "expected 'pattern => replacement'");
  patternLabel(name, value.slice(0, arrow).trim());
  boundedText(name, value.slice(arrow + 2).trim(), MAX_SHORT_TEXT);
  return value;
}

function boundedText(name: string, value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (value.length > max) throw new LabelError(name, `is longer than ${max} characters`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

const ICON = /^[A-Za-z0-9:._/-]+$/;
function iconLabel(value: string | undefined): string | undefined {
  const icon = boundedText(LABELS.displayIcon, value, MAX_SHORT_TEXT);
  if (icon !== undefined && !ICON.test(icon)) throw new LabelError(LABELS.displayIcon, 'may only hold letters, digits and : . _ / -');
  return icon;
}

/**
 * The labels as the store (and so the API, SSE and notifications) holds them: at most
 * MAX_STORED_LABELS, long values cut, sensitive values as *** like the environment. The real
 * values stay on the engine, where updates, rollbacks and exports read them.
 */
export function boundLabels(labels: Readonly<Record<string, string>> | null | undefined): Record<string, string> {
  const bounded: Record<string, string> = {};
  if (!labels) return bounded;
  let count = 0;
  for (const [key, value] of Object.entries(labels)) {
    if (count >= MAX_STORED_LABELS) break;
    if (typeof value !== 'string' || key.length > MAX_STORED_LABEL_KEY || key === '__proto__') continue;
    // Masked before cutting: a cut could hide the shape that marks a value as a credential.
    bounded[key] = isSensitiveLabel(key, value) ? MASK : truncate(value, MAX_STORED_LABEL_VALUE);
    count++;
  }
  return bounded;
}

function dropUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
