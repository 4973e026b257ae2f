import { renderTemplate } from './template.ts';

describe('renderTemplate', () => {
  it('replaces plain paths and renders unknown paths empty', () => {
    expect(renderTemplate('${name} ${a.b} [${missing}] [${a.x.y}]', { name: 'web', a: { b: 1 } })).toBe('web 1 [] []');
  });

  it('never evaluates expressions or walks to constructors', () => {
    const hostile = "${constructor.constructor('return process')().exit()}${name.constructor}${__proto__}${a['b']}";
    expect(renderTemplate(hostile, { name: 'web', a: { b: 'x' } })).toBe('');
    expect(renderTemplate('${toString}', { name: 'web' })).toBe('');
  });

  it('caps the output of huge inputs', () => {
    const big = 'x'.repeat(100_000);
    const out = renderTemplate('${v}${v}', { v: big });
    expect(out.length).toBe(8192);
    expect(renderTemplate(big, {}).length).toBeLessThanOrEqual(8192);
  });
});
