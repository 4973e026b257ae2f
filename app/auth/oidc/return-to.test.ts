import { safeReturnTo } from './return-to.ts';

describe('safeReturnTo', () => {
  it('keeps paths of this site and refuses everything that leads elsewhere', () => {
    expect(safeReturnTo('/containers/abc?tab=logs')).toBe('/containers/abc?tab=logs');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '', '/a\nb', '/a\\b', undefined, 42, `/${'a'.repeat(2000)}`]) {
      expect(safeReturnTo(bad)).toBe('/');
    }
  });
});
