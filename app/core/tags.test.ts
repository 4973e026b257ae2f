import {
  applyTransform,
  compareTags,
  compileTagRules,
  findNewestTag,
  parseTag,
  parseTransform,
  TagRuleError,
  updateKindBetween,
  type CompiledTagRules,
} from './tags.ts';

const none: CompiledTagRules = {};
const newest = (current: string, tags: string[], rules: CompiledTagRules = none) => {
  const found = findNewestTag(current, tags, rules);
  return found ? [found.tag, found.kind] : null;
};
const parsed = (tag: string) => {
  const result = parseTag(tag);
  if (!result) throw new Error(`not a version tag: ${tag}`);
  return result;
};

describe('parseTag', () => {
  it.each([
    ['1.2.3', '', [1, 2, 3], '', ''],
    ['v1.2.3', 'v', [1, 2, 3], '', ''],
    ['release-10.0', 'release-', [10, 0], '', ''],
    ['20', '', [20], '', ''],
    ['1.2.3.4', '', [1, 2, 3, 4], '', ''],
    ['2021.6.4', '', [2021, 6, 4], '', ''],
    ['2.0.0-rc1', '', [2, 0, 0], 'rc1', ''],
    ['2.0.0-rc.1', '', [2, 0, 0], 'rc.1', ''],
    ['1.25.3-alpine', '', [1, 25, 3], '', '-alpine'],
    ['1.25.3-alpine3.20', '', [1, 25, 3], '', '-alpine3.20'],
    ['3.0.0-beta2-alpine', '', [3, 0, 0], 'beta2', '-alpine'],
    ['1.0.0-a1', '', [1, 0, 0], 'a1', ''],
    ['1.0.0-amd64', '', [1, 0, 0], '', '-amd64'],
    ['1.0.0-1', '', [1, 0, 0], '', '-1'],
  ])('%s', (tag, prefix, numbers, prerelease, suffix) => {
    expect(parseTag(tag)).toEqual({ tag, prefix, numbers, prerelease, suffix });
  });

  it.each(['latest', 'stable', 'main', '', 'sha-', 'a1b2c3', '1.2.3.4.5', 'x.1', '1.2.3alpine', '1234567890', 'v'.repeat(129)])(
    'rejects %j',
    (tag) => {
      expect(parseTag(tag)).toBeNull();
    },
  );
});

describe('compareTags', () => {
  it.each([
    ['1.0.0', '1.0.1', -1],
    ['1.0.10', '1.0.9', 1],
    ['1.10.0', '1.9.9', 1],
    ['2.0.0', '10.0.0', -1],
    ['1.0.0', '1.0.0', 0],
    ['2.0.0-rc1', '2.0.0', -1],
    ['2.0.0-rc2', '2.0.0-rc10', -1],
    ['2.0.0-rc.2', '2.0.0-rc.10', -1],
    ['2.0.0-alpha', '2.0.0-beta', -1],
    ['2.0.0-beta2', '2.0.0-rc1', -1],
    ['2.0.0-rc', '2.0.0-rc.1', -1],
    ['1.9.9', '2.0.0-rc1', -1],
  ])('%s vs %s', (a, b, sign) => {
    expect(Math.sign(compareTags(parsed(a), parsed(b)))).toBe(sign);
    expect(Math.sign(compareTags(parsed(b), parsed(a)))).toBe(-sign || 0);
  });
});

describe('updateKindBetween', () => {
  it.each([
    ['1.0.0', '2.0.0', 'major'],
    ['1.0.0', '1.1.0', 'minor'],
    ['1.0.0', '1.0.1', 'patch'],
    ['1.0.0.0', '1.0.0.1', 'patch'],
    ['2.0.0-rc1', '2.0.0', 'prerelease'],
    ['2.0.0-rc1', '2.0.0-rc2', 'prerelease'],
    ['8', '9', 'major'],
    ['1.2', '1.3', 'minor'],
  ])('%s -> %s is %s', (from, to, kind) => {
    expect(updateKindBetween(parsed(from), parsed(to))).toBe(kind);
  });
});

describe('findNewestTag', () => {
  const repo = ['1.0.0', '1.1.0', '2.0.0', '2.0.0-rc1', 'latest'];

  it('suggests the highest version of the family', () => {
    expect(newest('1.0.0', repo)).toEqual(['2.0.0', 'major']);
    expect(newest('1.1.0', repo)).toEqual(['2.0.0', 'major']);
    expect(newest('2.0.0', repo)).toBeNull();
  });

  it('never suggests a lower version', () => {
    expect(newest('3.0.0', repo)).toBeNull();
    expect(newest('1.5.0', ['1.4.0', '1.0.0', '0.9.9'])).toBeNull();
  });

  it('gives no tag candidate for a non-version tag', () => {
    expect(newest('latest', repo)).toBeNull();
    expect(newest('stable', ['1.0.0', 'stable'])).toBeNull();
  });

  it('keeps prefix, part count and suffix apart', () => {
    const tags = ['v1.0.1', '1.0.2', '1.1', '1.0.3-alpine', 'v2.0.0-alpine', '1.0.0.9', '1.0.4'];
    expect(newest('1.0.0', tags)).toEqual(['1.0.4', 'patch']);
    expect(newest('v1.0.0', tags)).toEqual(['v1.0.1', 'patch']);
    expect(newest('1.0', tags)).toEqual(['1.1', 'minor']);
    expect(newest('1.0.0-alpine', tags)).toEqual(['1.0.3-alpine', 'patch']);
    expect(newest('1.0.0.0', tags)).toEqual(['1.0.0.9', 'patch']);
  });

  it('offers prereleases only when the current tag is a prerelease', () => {
    expect(newest('1.0.0', ['2.0.0-rc1', '1.0.1-beta'])).toBeNull();
    expect(newest('2.0.0-rc1', ['2.0.0-rc2', '1.9.0'])).toEqual(['2.0.0-rc2', 'prerelease']);
    expect(newest('2.0.0-rc1', ['2.0.0-rc2', '2.0.0'])).toEqual(['2.0.0', 'prerelease']);
    expect(newest('2.0.0-rc1', ['2.0.0-rc2', '2.1.0'])).toEqual(['2.1.0', 'minor']);
    expect(newest('2.0.0-rc1', ['2.0.0-beta9'])).toBeNull();
  });

  it('keeps a suffix with prereleases', () => {
    expect(newest('1.0.0-rc1-alpine', ['1.0.0-rc2-alpine', '1.0.0-rc3', '1.0.0-alpine'])).toEqual(['1.0.0-alpine', 'prerelease']);
    expect(newest('1.0.0-alpine', ['1.0.1-rc1-alpine'])).toBeNull();
  });

  it('applies include and exclude to the raw tag', () => {
    expect(newest('1.0.0', repo, compileTagRules({ include: '^1\\.' }))).toEqual(['1.1.0', 'minor']);
    expect(newest('1.0.0', repo, compileTagRules({ exclude: '^2\\.' }))).toEqual(['1.1.0', 'minor']);
    expect(newest('1.0.0', repo, compileTagRules({ include: '^9' }))).toBeNull();
  });

  it('compares transformed tags but answers the raw tag', () => {
    const rules = compileTagRules({ transform: '^(\\d+\\.\\d+\\.\\d+)-ls\\d+$ => $1' });
    expect(newest('1.0.0-ls5', ['1.0.0-ls9', '1.2.0-ls1', '0.9.0-ls99'], rules)).toEqual(['1.2.0-ls1', 'minor']);
  });

  it('ignores oversized tags', () => {
    expect(newest('1.0.0', [`9.0.0-${'x'.repeat(200)}`, '1.0.1'])).toEqual(['1.0.1', 'patch']);
  });

  it('handles many tags', () => {
    const tags = Array.from({ length: 5000 }, (_, i) => `1.${i % 100}.${Math.floor(i / 100)}`);
    expect(newest('1.0.0', tags)).toEqual(['1.99.49', 'minor']);
  });
});

describe('transforms and rules', () => {
  it('fills groups, $& and $$', () => {
    expect(applyTransform('1.2.3-ls4', parseTransform('^(\\d+)\\.(\\d+)\\.(\\d+)-ls(\\d+)$ => $1.$2.$3.$4'))).toBe('1.2.3.4');
    expect(applyTransform('abc', parseTransform('b => [$&$$]'))).toBe('[b$]');
    expect(applyTransform('abc', parseTransform('^(a)$ => $1'))).toBe('abc');
    expect(applyTransform('abc', parseTransform('^(a) => $7'))).toBe('');
  });

  it('rejects bad rules with the label named', () => {
    expect(() => compileTagRules({ include: '(a+)+$' })).toThrow(TagRuleError);
    expect(() => compileTagRules({ include: '(a+)+$' })).toThrow(/dd\.tag\.include/);
    expect(() => compileTagRules({ exclude: '[' })).toThrow(/dd\.tag\.exclude/);
    expect(() => compileTagRules({ transform: 'no arrow' })).toThrow(/dd\.tag\.transform/);
    expect(() => compileTagRules({ transform: ' => $1' })).toThrow(/empty/);
  });
});
