import type { WatcherConfig } from '../config/load-config.ts';
import { compareApiVersions, EngineConnection } from './engine-connection.ts';

const base: WatcherConfig = {
  name: 'remote',
  cron: '0 */6 * * *',
  jitterSeconds: 0,
  watchByDefault: true,
  watchAll: false,
  watchEvents: true,
  watchAtStart: false,
  labelFilter: [],
};

describe('EngineConnection endpoint', () => {
  it('shows the port it really connects to', () => {
    expect(new EngineConnection({ ...base, host: 'engine.test', protocol: 'https' }).endpoint).toBe('https://engine.test:2376');
    expect(new EngineConnection({ ...base, host: 'engine.test' }).endpoint).toBe('http://engine.test:2375');
    expect(new EngineConnection({ ...base, host: 'engine.test', protocol: 'https', port: 443 }).endpoint).toBe('https://engine.test:443');
    expect(new EngineConnection({ ...base, socket: '/var/run/docker.sock' }).endpoint).toBe('unix:///var/run/docker.sock');
  });
});

describe('compareApiVersions', () => {
  it('compares minor versions numerically', () => {
    expect(compareApiVersions('1.41', '1.45')).toBeLessThan(0);
    expect(compareApiVersions('1.100', '1.45')).toBeGreaterThan(0);
    expect(compareApiVersions('1.45', '1.45')).toBe(0);
  });
});

describe('EngineConnection through an agent', () => {
  it('shows the agent, never its secret, and sends the secret on every call', () => {
    const connection = new EngineConnection({ ...base, host: '10.0.0.5', port: 3001, protocol: 'https', agent: { secret: 'shared-secret-value' } });
    expect(connection.agent).toEqual({ host: '10.0.0.5', port: 3001, tls: true });
    expect(connection.endpoint).toBe('https://10.0.0.5:3001');
    expect(JSON.stringify({ endpoint: connection.endpoint, agent: connection.agent })).not.toContain('shared-secret-value');
    expect((connection.docker.modem as unknown as { headers: Record<string, string> }).headers).toEqual({ authorization: 'Bearer shared-secret-value' });
    expect(new EngineConnection({ ...base, host: '10.0.0.5' }).agent).toBeUndefined();
  });
});
