import { SealedValue } from './sealed-value.ts';

describe('SealedValue', () => {
  const sealer = new SealedValue<{ state: string }>('a'.repeat(32), 'test');

  it('opens what it sealed and hides the content', () => {
    const sealed = sealer.seal({ state: 'visible-state' });
    expect(sealed).not.toContain('visible-state');
    expect(Buffer.from(sealed.split('.')[2]!, 'base64url').toString('latin1')).not.toContain('visible-state');
    expect(sealer.open(sealed)).toEqual({ state: 'visible-state' });
    // A fresh IV every time.
    expect(sealer.seal({ state: 'x' })).not.toBe(sealer.seal({ state: 'x' }));
  });

  it('refuses anything changed, foreign or malformed', () => {
    const sealed = sealer.seal({ state: 's' });
    const [iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(sealer.open(`${iv}.${tag}.${flipped.toString('base64url')}`)).toBeUndefined();
    expect(new SealedValue('b'.repeat(32), 'test').open(sealed)).toBeUndefined();
    expect(new SealedValue('a'.repeat(32), 'other purpose').open(sealed)).toBeUndefined();
    for (const bad of [undefined, '', 'a.b', 'a.b.c', `${sealed}.x`, 'x'.repeat(9000)]) expect(sealer.open(bad)).toBeUndefined();
  });

  it('opens larger values only when made for them (server-side sessions), refusing longer ones unread', () => {
    const large = new SealedValue<{ token: string }>('a'.repeat(32), 'test', 32 * 1024);
    const sealed = large.seal({ token: 't'.repeat(10_000) });
    expect(sealed.length).toBeGreaterThan(8192);
    expect(large.open(sealed)).toEqual({ token: 't'.repeat(10_000) });
    expect(new SealedValue<{ token: string }>('a'.repeat(32), 'test').open(sealed)).toBeUndefined();
    expect(new SealedValue<{ token: string }>('a'.repeat(32), 'test', 1000).open(large.seal({ token: 't'.repeat(2000) }))).toBeUndefined();
  });
});
