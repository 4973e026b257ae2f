import { isLoopback } from './agent-server.ts';

describe('isLoopback', () => {
  it('knows which bind addresses keep plain HTTP on the machine', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', '127.0.0.1.example.com', 'fe80::1'].some(isLoopback)).toBe(false);
  });
});
