import { compileSafePattern, safeTest, UnsafePatternError } from './safe-regex.ts';

describe('compileSafePattern', () => {
  it('accepts ordinary tag patterns', () => {
    const regex = compileSafePattern('^1\\.\\d+\\.\\d+$');
    expect(safeTest(regex, '1.2.3')).toBe(true);
    expect(safeTest(regex, '2.0.0')).toBe(false);
  });

  it('rejects catastrophic, invalid and oversized patterns', () => {
    expect(() => compileSafePattern('^(a+)+$')).toThrow(UnsafePatternError);
    expect(() => compileSafePattern('([a-z]*)*x')).toThrow(UnsafePatternError);
    expect(() => compileSafePattern('(')).toThrow(/invalid pattern/);
    expect(() => compileSafePattern('a'.repeat(300))).toThrow(/longer than/);
  });

  it('runs label patterns on the linear-time engine, so overlapping alternatives cannot hang the daemon', () => {
    // safe-regex2 does not see the exponential backtracking of overlapping alternatives.
    const overlapping = compileSafePattern('^(a|a)*$');
    expect(overlapping.flags).toContain('l');
    expect(safeTest(overlapping, `${'a'.repeat(120)}-`)).toBe(false);
    expect(safeTest(overlapping, 'aaa')).toBe(true);
    const polynomial = compileSafePattern('^\\d*\\d*\\d*\\d*\\d*\\d*x');
    expect(safeTest(polynomial, '1'.repeat(200))).toBe(false);
    // Capture groups still work for dd.tag.transform.
    expect(compileSafePattern('^v?(\\d+)\\.(\\d+)$').exec('v1.22')?.slice(1)).toEqual(['1', '22']);
  });

  it('rejects backreferences and lookaround, which need backtracking', () => {
    expect(() => compileSafePattern('^(a)\\1$')).toThrow(/backtracking/);
    expect(() => compileSafePattern('^(?!rc)')).toThrow(/backtracking/);
  });

  it('refuses oversized subjects instead of matching them', () => {
    expect(safeTest(/a/, 'a'.repeat(1000))).toBe(false);
  });
});
