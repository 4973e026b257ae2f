import { UsageError, parseCliArgs, streamUrl } from './args.ts';

describe('dockdeck command line', () => {
  it('defaults to the local daemon and the UI event stream', () => {
    const args = parseCliArgs(['events']);
    expect(args).toMatchObject({ command: 'events', url: 'http://127.0.0.1:3000', headers: {}, heartbeats: false });
    expect(streamUrl(args)).toBe('http://127.0.0.1:3000/api/v1/events/ui');
  });

  it('builds auth headers and the stats stream URLs', () => {
    const args = parseCliArgs(['stats', '--url', 'https://dd.example/', '--user', 'ann:s3cret', '-H', 'X-Trace: 1']);
    expect(args.headers).toEqual({ authorization: `Basic ${Buffer.from('ann:s3cret').toString('base64')}`, 'x-trace': '1' });
    expect(streamUrl(args)).toBe('https://dd.example/api/v1/stats/summary/stream');
    expect(streamUrl(parseCliArgs(['stats', '--container', 'a/b']))).toBe('http://127.0.0.1:3000/api/v1/containers/a%2Fb/stats/stream');
  });

  it('rejects what it does not understand', () => {
    expect(() => parseCliArgs(['launch'])).toThrow(UsageError);
    expect(() => parseCliArgs(['events', '--url', 'ftp://x'])).toThrow(UsageError);
    expect(() => parseCliArgs(['events', '-H', 'novalue'])).toThrow(UsageError);
    expect(() => parseCliArgs(['events', '--user', 'nocolon'])).toThrow(UsageError);
    expect(() => parseCliArgs(['events', '--bogus'])).toThrow(UsageError);
  });
});
