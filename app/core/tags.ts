import { compileSafePattern, safeTest, UnsafePatternError } from './safe-regex.ts';
import type { UpdateKind } from './container.ts';

/**
 * Tag families and their order. A tag such as `v1.2.3-rc1-alpine` splits into a prefix (`v`),
 * numeric parts (`1.2.3`), a prerelease (`rc1`) and a suffix (`-alpine`). Tags are only compared
 * within one family: same prefix, same number of numeric parts, same suffix.
 */
export interface ParsedTag {
  /** The tag that was parsed (after any transform). */
  readonly tag: string;
  readonly prefix: string;
  readonly numbers: readonly number[];
  /** Prerelease text without the leading dash (`rc1`), empty for a release. */
  readonly prerelease: string;
  readonly suffix: string;
}

export type TagKind = Exclude<UpdateKind, 'digest'>;

export class TagRuleError extends Error {
  readonly code = 'TAG_RULE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'TagRuleError';
  }
}

const MAX_TAG_LENGTH = 128;
// Numbers are capped at 9 digits so they stay exact; at most 4 numeric parts.
const TAG_SHAPE = /^([A-Za-z_.-]{0,32}?)(\d{1,9}(?:\.\d{1,9}){0,3})(-.*)?$/;
// Prerelease labels; what follows them after a dash is the suffix. Each repetition starts with a
// separator, so the pattern cannot backtrack badly.
const PRERELEASE = /^((?:alpha|beta|rc|pre|preview|dev|snapshot|canary|nightly|a|b|m)\d*(?:[.-]\d+)*)(-.*)?$/i;

/** Parses a tag into its family parts; null when it is not a version tag (e.g. `latest`). */
export function parseTag(tag: string): ParsedTag | null {
  if (tag.length === 0 || tag.length > MAX_TAG_LENGTH) return null;
  const match = TAG_SHAPE.exec(tag);
  if (!match) return null;
  const prefix = match[1] ?? '';
  // A prefix must not end in a dot ("x.1" is not "x" + "1"), and must not look like a version.
  if (prefix.endsWith('.')) return null;
  const numbers = (match[2] ?? '').split('.').map(Number);
  const rest = match[3] ?? '';
  let prerelease = '';
  let suffix = rest;
  if (rest.length > 1) {
    const pre = PRERELEASE.exec(rest.slice(1));
    if (pre) {
      prerelease = pre[1] ?? '';
      suffix = pre[2] ?? '';
    }
  }
  return { tag, prefix, numbers, prerelease, suffix };
}

export function isVersionTag(tag: string): boolean {
  return parseTag(tag) !== null;
}

export function familyKey(tag: ParsedTag): string {
  return `${tag.prefix}\u0000${tag.numbers.length}\u0000${tag.suffix}`;
}

/** Splits `rc.10` or `rc10` into identifiers (`rc`, 10) compared the semver way. */
function prereleaseIdentifiers(text: string): Array<string | number> {
  const parts = text.toLowerCase().match(/[a-z]+|\d+/g) ?? [];
  return parts.map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function compareIdentifiers(a: Array<string | number>, b: Array<string | number>): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1; // numeric identifiers sort before alphanumeric ones
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Orders two tags of the same family; a release sorts after its own prereleases. */
export function compareTags(a: ParsedTag, b: ParsedTag): number {
  for (let i = 0; i < Math.max(a.numbers.length, b.numbers.length); i++) {
    const difference = (a.numbers[i] ?? 0) - (b.numbers[i] ?? 0);
    if (difference !== 0) return difference;
  }
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === '') return 1;
  if (b.prerelease === '') return -1;
  return compareIdentifiers(prereleaseIdentifiers(a.prerelease), prereleaseIdentifiers(b.prerelease));
}

/** The kind of move from `current` to a higher `candidate` of the same family. */
export function updateKindBetween(current: ParsedTag, candidate: ParsedTag): TagKind {
  const index = current.numbers.findIndex((value, i) => value !== candidate.numbers[i]);
  if (index === 0) return 'major';
  if (index === 1) return 'minor';
  if (index >= 2) return 'patch';
  return 'prerelease';
}

/** `pattern => replacement`, applied to tags before they are parsed and compared. */
export interface TagTransform {
  readonly pattern: RegExp;
  readonly replacement: string;
}

export interface TagFilterInput {
  readonly include?: string;
  readonly exclude?: string;
  readonly transform?: string;
}

export interface CompiledTagRules {
  readonly include?: RegExp;
  readonly exclude?: RegExp;
  readonly transform?: TagTransform;
}

/** Compiles label rules; throws TagRuleError naming the label for an unsafe or invalid pattern. */
export function compileTagRules(input: TagFilterInput): CompiledTagRules {
  return {
    ...(input.include ? { include: compileLabelPattern('dd.tag.include', input.include) } : {}),
    ...(input.exclude ? { exclude: compileLabelPattern('dd.tag.exclude', input.exclude) } : {}),
    ...(input.transform ? { transform: parseTransform(input.transform) } : {}),
  };
}

function compileLabelPattern(label: string, pattern: string): RegExp {
  try {
    return compileSafePattern(pattern);
  } catch (error) {
    if (error instanceof UnsafePatternError) throw new TagRuleError(`${label}: ${error.message}`);
    throw error;
  }
}

export function parseTransform(text: string): TagTransform {
  const arrow = text.indexOf('=>');
  if (arrow < 0) throw new TagRuleError("dd.tag.transform: expected 'pattern => replacement'");
  const pattern = text.slice(0, arrow).trim();
  const replacement = text.slice(arrow + 2).trim();
  if (!pattern) throw new TagRuleError('dd.tag.transform: the pattern is empty');
  if (replacement.length > MAX_TAG_LENGTH) throw new TagRuleError('dd.tag.transform: the replacement is too long');
  return { pattern: compileLabelPattern('dd.tag.transform', pattern), replacement };
}

/**
 * Applies a transform: when the pattern matches, the tag becomes the replacement with `$1`…`$9`
 * (and `$&` for the whole match, `$$` for a dollar) filled in; otherwise the tag is unchanged.
 */
export function applyTransform(tag: string, transform: TagTransform | undefined): string {
  if (!transform || tag.length > MAX_TAG_LENGTH) return tag;
  transform.pattern.lastIndex = 0;
  const match = transform.pattern.exec(tag);
  if (!match) return tag;
  return transform.replacement.replace(/\$(\$|&|\d)/g, (_token, what: string) => {
    if (what === '$') return '$';
    if (what === '&') return match[0];
    return match[Number(what)] ?? '';
  });
}

export interface TagCandidate {
  /** The tag as the registry has it. */
  readonly tag: string;
  /** The tag after the transform, parsed. */
  readonly parsed: ParsedTag;
  readonly kind: TagKind;
}

/**
 * The highest tag of the current tag's family that is above it, or null. Prereleases are only
 * candidates when the current tag is itself a prerelease. Include/exclude look at the raw tag.
 */
export function findNewestTag(current: string, tags: readonly string[], rules: CompiledTagRules): TagCandidate | null {
  const currentParsed = parseTag(applyTransform(current, rules.transform));
  if (!currentParsed) return null;
  const family = familyKey(currentParsed);
  const allowPrerelease = currentParsed.prerelease !== '';
  let best: TagCandidate | null = null;
  for (const tag of tags) {
    if (tag === current || tag.length > MAX_TAG_LENGTH) continue;
    if (rules.include && !safeTest(rules.include, tag)) continue;
    if (rules.exclude && safeTest(rules.exclude, tag)) continue;
    const parsed = parseTag(applyTransform(tag, rules.transform));
    if (!parsed || familyKey(parsed) !== family) continue;
    if (parsed.prerelease !== '' && !allowPrerelease) continue;
    if (compareTags(parsed, currentParsed) <= 0) continue;
    if (best && compareTags(parsed, best.parsed) <= 0) continue;
    best = { tag, parsed, kind: updateKindBetween(currentParsed, parsed) };
  }
  return best;
}
