import v8 from 'node:v8';
import isSafeRegex from 'safe-regex2';

/** Longest pattern accepted from a label. */
export const MAX_PATTERN_LENGTH = 256;
/** Longest subject a pattern is run against (OCI tags are at most 128 characters). */
export const MAX_SUBJECT_LENGTH = 256;

export class UnsafePatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafePatternError';
  }
}

/**
 * V8's linear-time regex engine (flag `l`): matching time grows with the subject only, whatever
 * the pattern. safe-regex2 alone misses overlapping alternatives such as `(a|a)*`, which freeze
 * the event loop for minutes on a 40-character tag. Empty when this V8 cannot enable it.
 */
const LINEAR_FLAG = enableLinearEngine() ? 'l' : '';

function enableLinearEngine(): boolean {
  try {
    new RegExp('a', 'l');
    return true;
  } catch {
    // Not enabled yet: the engine is behind a V8 flag that can be set at run time.
  }
  try {
    v8.setFlagsFromString('--enable-experimental-regexp-engine');
    new RegExp('a', 'l');
    return true;
  } catch {
    return false;
  }
}

/**
 * Compiles an untrusted pattern (from a label) only if it is short, valid and free of the nested
 * quantifiers that backtrack catastrophically. Matching is further bounded by the subject length.
 */
export function compileSafePattern(pattern: string): RegExp {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new UnsafePatternError(`pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (error) {
    throw new UnsafePatternError(`invalid pattern: ${(error as Error).message}`);
  }
  if (LINEAR_FLAG) {
    try {
      regex = new RegExp(pattern, LINEAR_FLAG);
    } catch {
      throw new UnsafePatternError('pattern needs backtracking (backreferences or lookaround are not allowed in labels)');
    }
  }
  if (!isSafeRegex(regex, { limit: 25 })) {
    throw new UnsafePatternError('pattern could backtrack catastrophically (nested or repeated quantifiers)');
  }
  return regex;
}

/** Tests a compiled safe pattern against a bounded subject. */
export function safeTest(regex: RegExp, subject: string): boolean {
  if (subject.length > MAX_SUBJECT_LENGTH) return false;
  regex.lastIndex = 0;
  return regex.test(subject);
}
