import { maskedEnv } from './env.ts';

describe('maskedEnv', () => {
  it('masks sensitive keys and keeps the rest', () => {
    expect(maskedEnv(['TZ=Europe/Paris', 'DATABASE_PASSWORD=s3cret', 'API_KEY=abc', 'GITHUB_TOKEN=x', 'EMPTY'])).toEqual([
      { key: 'TZ', value: 'Europe/Paris', sensitive: false },
      { key: 'DATABASE_PASSWORD', value: '***', sensitive: true },
      { key: 'API_KEY', value: '***', sensitive: true },
      { key: 'GITHUB_TOKEN', value: '***', sensitive: true },
      { key: 'EMPTY', value: '', sensitive: false },
    ]);
  });

  it('bounds hostile environments', () => {
    const huge = Array.from({ length: 1000 }, (_, i) => `K${i}=${'x'.repeat(5000)}`);
    const masked = maskedEnv(huge);
    expect(masked).toHaveLength(200);
    expect(masked[0]!.value).toHaveLength(1024);
  });
});
