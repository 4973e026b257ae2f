import { compileTagRules } from './tags.ts';
import { decideUpdate, linkVariables } from './update-check.ts';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const C = `sha256:${'c'.repeat(64)}`;
const base = { rules: {}, digestWatch: false, localDigests: [A] };

describe('decideUpdate', () => {
  it('reports a tag update', () => {
    const decision = decideUpdate({ ...base, currentTag: '1.0.0', tags: ['1.0.0', '1.1.0', '2.0.0', '2.0.0-rc1', 'latest'] });
    expect(decision).toEqual({ result: { tag: '2.0.0' }, updateKind: { kind: 'major', localValue: '1.0.0', remoteValue: '2.0.0' } });
  });

  it('prefers a tag update over a digest update', () => {
    const decision = decideUpdate({ ...base, digestWatch: true, currentTag: '1.0.0', tags: ['1.0.1'], remote: { top: B } });
    expect(decision.updateKind?.kind).toBe('patch');
  });

  it('reports a digest update when neither remote digest is local', () => {
    const decision = decideUpdate({ ...base, digestWatch: true, currentTag: 'latest', remote: { top: B, platform: C } });
    expect(decision).toEqual({ result: { tag: 'latest', digest: C }, updateKind: { kind: 'digest', localValue: A, remoteValue: C } });
  });

  it('is up to date when the index or the platform digest is local', () => {
    expect(decideUpdate({ ...base, digestWatch: true, currentTag: 'latest', remote: { top: A, platform: C } }).updateKind).toBeNull();
    expect(decideUpdate({ ...base, digestWatch: true, currentTag: 'latest', remote: { top: B, platform: A } }).updateKind).toBeNull();
  });

  it('ignores digests when digest watching is off', () => {
    expect(decideUpdate({ ...base, currentTag: 'latest', remote: { top: B } })).toEqual({ result: { tag: 'latest' }, updateKind: null });
  });

  it('never reports a digest update without local repo digests', () => {
    expect(decideUpdate({ ...base, localDigests: [], digestWatch: true, currentTag: 'latest', remote: { top: B } }).updateKind).toBeNull();
  });

  it('renders the link template for the result tag', () => {
    const decision = decideUpdate({
      ...base,
      currentTag: 'v1.0.0',
      tags: ['v1.2.3-rc1', 'v1.2.3'],
      linkTemplate: 'https://example.test/releases/${major}.${minor}.${patch}?from=${original}&raw=${raw}${prerelease}',
    });
    expect(decision.result).toEqual({ tag: 'v1.2.3', link: 'https://example.test/releases/1.2.3?from=v1.0.0&raw=v1.2.3' });
  });

  it('exposes the transformed tag to the template', () => {
    const rules = compileTagRules({ transform: '^(\\d+\\.\\d+)-r(\\d+)$ => $1.$2' });
    expect(linkVariables('1.2-r7', { currentTag: '1.2-r1', rules })).toMatchObject({ transformed: '1.2.7', major: '1', minor: '2', patch: '7' });
  });
});
