import { LogDemuxer, demuxAll } from './demux.ts';
import { LineSplitter, parseLine } from './lines.ts';
import { logDownloadQuery } from './log-query.ts';

const frame = (stream: number, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

describe('log demultiplexing', () => {
  it('reassembles frames split at any byte and tells stdout from stderr', () => {
    const all = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err one\n'), frame(1, 'out two\n')]);
    for (let cut = 1; cut < all.length; cut++) {
      const demuxer = new LogDemuxer();
      const frames = [...demuxer.push(all.subarray(0, cut)), ...demuxer.push(all.subarray(cut))];
      expect(frames.map((f) => [f.stream, f.payload.toString()])).toEqual([
        ['stdout', 'out one\n'],
        ['stderr', 'err one\n'],
        ['stdout', 'out two\n'],
      ]);
      expect(demuxer.pendingBytes).toBe(0);
    }
  });

  it('leaves TTY output as it is', () => {
    expect(demuxAll(Buffer.from('raw\n'), true)).toEqual([{ stream: 'stdout', payload: Buffer.from('raw\n') }]);
  });

  it('splits lines per stream, keeps partial lines and multi-byte characters across chunks', () => {
    const splitter = new LineSplitter();
    const euro = Buffer.from('€');
    expect(splitter.push({ stream: 'stdout', payload: Buffer.concat([Buffer.from('a\nb'), euro.subarray(0, 1)]) })).toEqual([
      { type: 'stdout', ts: '', line: 'a' },
    ]);
    expect(splitter.push({ stream: 'stderr', payload: Buffer.from('e\n') })).toEqual([{ type: 'stderr', ts: '', line: 'e' }]);
    expect(splitter.push({ stream: 'stdout', payload: euro.subarray(1) })).toEqual([]);
    expect(splitter.flush()).toEqual([{ type: 'stdout', ts: '', line: 'b€' }]);
  });

  it('separates the engine timestamp from the text', () => {
    expect(parseLine('stdout', '2026-03-18T19:18:38.485902360Z Server started\r')).toEqual({
      type: 'stdout',
      ts: '2026-03-18T19:18:38.485902360Z',
      line: 'Server started',
    });
  });

  it('parses query flags, since as unix seconds or ISO, and bounds tail', () => {
    expect(logDownloadQuery.parse({})).toEqual({ stdout: true, stderr: true, tail: 1000, since: 0, timestamps: true });
    expect(logDownloadQuery.parse({ stderr: 'false', since: '2026-01-01T00:00:00Z', tail: '5' })).toMatchObject({
      stderr: false,
      since: 1767225600,
      tail: 5,
    });
    expect(logDownloadQuery.safeParse({ tail: '1000000' }).success).toBe(false);
    expect(logDownloadQuery.safeParse({ since: 'yesterday' }).success).toBe(false);
  });
});
