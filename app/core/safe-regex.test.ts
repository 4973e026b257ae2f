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

  it('refuses oversized subjects instead of matching them', () => {
    expect(safeTest(/a/, 'a'.repeat(1000))).toBe(false);
  });
});
