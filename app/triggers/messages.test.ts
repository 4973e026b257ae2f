import { describe, expect, it } from '@jest/globals';
import { DEFAULT_TEMPLATES, renderBatch, renderSimple } from './messages.ts';
import { sampleContainer } from './testing/sample-container.ts';

describe('notification messages', () => {
  it('names the container and its host in the default texts', () => {
    const message = renderSimple(DEFAULT_TEMPLATES, sampleContainer({ name: 'web', agent: 'edge' }));
    expect(message.title).toBe('dockdeck: update for web on edge/local');
    expect(message.body).toBe('web (edge/local): 1.0.0 → 1.1.0 (minor)\nhttps://example.test/releases/1.1.0');
  });

  it('shortens digests and keeps titles on one line', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const container = sampleContainer({ name: 'db', kind: 'digest', from: `sha256:${'b'.repeat(64)}`, to: digest, result: { tag: 'latest', digest } });
    const message = renderSimple({ ...DEFAULT_TEMPLATES, simpletitle: 'a\n${name}\r\nb' }, container);
    expect(message.title).toBe('a db b');
    expect(message.body).toBe(`db (local): sha256:bbbbbbbbbbbb → sha256:aaaaaaaaaaaa (digest)`);
  });

  it('renders a batch title with the count and one line per container', () => {
    const message = renderBatch(DEFAULT_TEMPLATES, [sampleContainer({ name: 'a' }), sampleContainer({ name: 'b', watcher: 'remote' })]);
    expect(message.title).toBe('dockdeck: 2 updates on local, remote');
    expect(message.body).toBe('a (local): 1.0.0 → 1.1.0 (minor)\nb (remote): 1.0.0 → 1.1.0 (minor)');
  });
});
