import { clientAddress, SecretFailures } from './secret-failures.ts';

describe('SecretFailures', () => {
  it('refuses an address after its failures fill the window, for as long as the oldest one stays in it', () => {
    let now = 0;
    const failures = new SecretFailures({ failures: 3, windowMs: 60_000 }, () => now);
    expect(failures.recordFailure('10.0.0.9')).toBe(false);
    now = 1_000;
    expect(failures.recordFailure('10.0.0.9')).toBe(false);
    expect(failures.retryAfterSeconds('10.0.0.9')).toBe(0);
    now = 2_000;
    expect(failures.recordFailure('10.0.0.9')).toBe(true);
    expect(failures.retryAfterSeconds('10.0.0.9')).toBe(58);
    now = 59_500;
    expect(failures.retryAfterSeconds('10.0.0.9')).toBe(1);
    now = 60_000;
    // The first failure left the window: one more try is allowed.
    expect(failures.retryAfterSeconds('10.0.0.9')).toBe(0);
    expect(failures.recordFailure('10.0.0.9')).toBe(true);
  });

  it('keeps addresses apart and never counts anything but failures', () => {
    const now = 0;
    const failures = new SecretFailures({ failures: 2, windowMs: 60_000 }, () => now);
    failures.recordFailure('10.0.0.1');
    failures.recordFailure('10.0.0.1');
    expect(failures.retryAfterSeconds('10.0.0.1')).toBe(60);
    // Asking (what every authorised request does) costs nothing.
    for (let i = 0; i < 100; i++) expect(failures.retryAfterSeconds('10.0.0.2')).toBe(0);
  });

  it('counts an IPv4 client the same over IPv4 and IPv4-mapped IPv6', () => {
    expect(clientAddress('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(clientAddress('192.0.2.7')).toBe('192.0.2.7');
    expect(clientAddress('2001:db8::1')).toBe('2001:db8::1');
    expect(clientAddress(undefined)).toBe('unknown');
  });
});
