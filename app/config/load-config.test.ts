import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error.ts';
import { loadConfig } from './load-config.ts';

describe('loadConfig', () => {
  it('gives the embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.server.port).toBe(3000);
    expect(config.store.path).toBe('./store');
    expect(config.ui.maturityThresholdDays).toBe(7);
    expect(config.watchers).toEqual([expect.objectContaining({ name: 'local', socket: '/var/run/docker.sock', cron: '0 */6 * * *' })]);
  });

  it('names the variable, the problem and the expected form for a bad port', () => {
    expect(() => loadConfig({ DD_SERVER_PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ DD_SERVER_PORT: 'abc' })).toThrow("DD_SERVER_PORT: 'abc' is not valid; expected an integer from 1 to 65535");
    expect(() => loadConfig({ DD_SERVER_PORT: '70000' })).toThrow('DD_SERVER_PORT');
  });

  it('reads DD_X__FILE secrets and names the variable when the file is unreadable', () => {
    const folder = mkdtempSync(join(tmpdir(), 'dd-config-'));
    writeFileSync(join(folder, 'port'), '4123\n');
    expect(loadConfig({ DD_SERVER_PORT__FILE: join(folder, 'port') }).server.port).toBe(4123);
    expect(() => loadConfig({ DD_SERVER_PORT__FILE: join(folder, 'missing') })).toThrow(/DD_SERVER_PORT__FILE: cannot read file .*ENOENT/);
  });

  it('reads the release notes settings: GitHub by default, a token from a file', () => {
    expect(loadConfig({}).releaseNotes).toEqual({ github: { apiUrl: 'https://api.github.com' } });
    const folder = mkdtempSync(join(tmpdir(), 'dd-config-'));
    writeFileSync(join(folder, 'token'), 'ghp_fromfile\n');
    const config = loadConfig({ DD_RELEASENOTES_GITHUB_URL: 'http://127.0.0.1:9999/api/v3/', DD_RELEASENOTES_GITHUB_TOKEN__FILE: join(folder, 'token') });
    expect(config.releaseNotes).toEqual({ github: { apiUrl: 'http://127.0.0.1:9999/api/v3', token: 'ghp_fromfile' } });
    expect(() => loadConfig({ DD_RELEASENOTES_GITHUB_URL: 'ftp://example' })).toThrow('DD_RELEASENOTES_GITHUB_URL');
    expect(() => loadConfig({ DD_RELEASENOTES_GITHUB_URL: 'https://user:pass@api.github.com' })).toThrow('DD_RELEASENOTES_GITHUB_URL');
    expect(() => loadConfig({ DD_RELEASENOTES_GITHUB_TOKEN: '' })).not.toThrow();
  });

  it('warns about unknown DD_ variables with a suggestion', () => {
    const config = loadConfig({ DD_SERVER_PROT: '3000', DD_WATCHER_LOCAL_CRONN: '* * * * *' });
    expect(config.warnings).toContain('Unknown variable DD_SERVER_PROT is ignored (did you mean DD_SERVER_PORT?)');
    expect(config.warnings).toContain('Unknown variable DD_WATCHER_LOCAL_CRONN is ignored');
  });

  it('parses watcher groups and rejects a bad cron', () => {
    const config = loadConfig({
      DD_WATCHER_REMOTE_HOST: '127.0.0.1',
      DD_WATCHER_REMOTE_PORT: '2376',
      DD_WATCHER_REMOTE_PROTOCOL: 'https',
      DD_WATCHER_REMOTE_WATCHALL: 'true',
    });
    expect(config.watchers).toEqual([
      expect.objectContaining({ name: 'remote', host: '127.0.0.1', port: 2376, protocol: 'https', watchAll: true }),
    ]);
    expect(() => loadConfig({ DD_WATCHER_LOCAL_CRON: 'every day' })).toThrow(/DD_WATCHER_LOCAL_CRON: 'every day' is not a valid cron expression/);
  });

  it('parses a watcher label filter and names the variable for a bad one', () => {
    const [watcher] = loadConfig({ DD_WATCHER_LOCAL_LABELFILTER: ' dd.scope=media, com.example.keep ' }).watchers;
    expect(watcher!.labelFilter).toEqual(['dd.scope=media', 'com.example.keep']);
    expect(loadConfig({}).watchers[0]!.labelFilter).toEqual([]);
    expect(() => loadConfig({ DD_WATCHER_LOCAL_LABELFILTER: 'bad key=x' })).toThrow(/DD_WATCHER_LOCAL_LABELFILTER: .*expected a comma-separated list/);
    expect(() => loadConfig({ DD_WATCHER_LOCAL_LABELFILTER: ',,' })).toThrow('DD_WATCHER_LOCAL_LABELFILTER');
    expect(() => loadConfig({ DD_WATCHER_LOCAL_LABELFILTER: Array.from({ length: 21 }, (_, i) => `k${i}`).join(',') })).toThrow('DD_WATCHER_LOCAL_LABELFILTER');
  });

  it('gives a watcher without SOCKET or HOST the local engine', () => {
    expect(loadConfig({ DD_WATCHER_LOCAL_CRON: '*/5 * * * *' }).watchers).toEqual([
      expect.objectContaining({ name: 'local', socket: '/var/run/docker.sock', cron: '*/5 * * * *' }),
    ]);
  });

  it('uses DOCKER_HOST for the default watcher', () => {
    expect(loadConfig({ DOCKER_HOST: 'tcp://127.0.0.1:2375' }).watchers[0]).toEqual(
      expect.objectContaining({ name: 'local', host: '127.0.0.1', port: 2375 }),
    );
    expect(loadConfig({ DOCKER_HOST: 'unix:///run/docker.sock' }).watchers[0]).toEqual(expect.objectContaining({ socket: '/run/docker.sock' }));
  });

  it('reads EVENTSIDLE for watchers and agents: 300 s by default, 0 for never, bad values named', () => {
    expect(loadConfig({}).watchers[0]?.eventsIdleSeconds).toBe(300);
    const config = loadConfig({
      DD_WATCHER_REMOTE_HOST: '127.0.0.1',
      DD_WATCHER_REMOTE_EVENTSIDLE: '45',
      DD_WATCHER_QUIET_SOCKET: '/run/docker.sock',
      DD_WATCHER_QUIET_EVENTSIDLE: '0',
      DD_AGENT_EDGE_HOST: '127.0.0.2',
      DD_AGENT_EDGE_SECRET: 's3cret',
      DD_AGENT_EDGE_EVENTSIDLE: '20',
    });
    expect(config.watchers.map((watcher) => [watcher.name, watcher.eventsIdleSeconds])).toEqual([
      ['remote', 45],
      ['quiet', 0],
      ['edge', 20],
    ]);
    expect(config.warnings).toEqual([]);
    expect(() => loadConfig({ DD_WATCHER_LOCAL_EVENTSIDLE: 'soon' })).toThrow("DD_WATCHER_LOCAL_EVENTSIDLE: 'soon' is not valid; expected an integer from 0 to 86400");
    expect(() => loadConfig({ DD_WATCHER_LOCAL_EVENTSIDLE: '-5' })).toThrow('DD_WATCHER_LOCAL_EVENTSIDLE');
    expect(() => loadConfig({ DD_AGENT_EDGE_HOST: 'h', DD_AGENT_EDGE_SECRET: 's', DD_AGENT_EDGE_EVENTSIDLE: '90000' })).toThrow('DD_AGENT_EDGE_EVENTSIDLE');
  });


  it('reads TIMEOUT for watchers and agents: 30 s by default, bad values named', () => {
    expect(loadConfig({}).watchers[0]?.timeoutSeconds).toBe(30);
    const config = loadConfig({
      DD_WATCHER_REMOTE_HOST: '127.0.0.1',
      DD_WATCHER_REMOTE_TIMEOUT: '5',
      DD_WATCHER_PLAIN_SOCKET: '/run/docker.sock',
      DD_AGENT_EDGE_HOST: '127.0.0.2',
      DD_AGENT_EDGE_SECRET: 's3cret',
      DD_AGENT_EDGE_TIMEOUT: '120',
    });
    expect(config.watchers.map((watcher) => [watcher.name, watcher.timeoutSeconds])).toEqual([
      ['remote', 5],
      ['plain', 30],
      ['edge', 120],
    ]);
    expect(config.warnings).toEqual([]);
    expect(() => loadConfig({ DD_WATCHER_LOCAL_TIMEOUT: '0' })).toThrow("DD_WATCHER_LOCAL_TIMEOUT: '0' is not valid; expected an integer from 1 to 3600");
    expect(() => loadConfig({ DD_WATCHER_LOCAL_TIMEOUT: '2.5' })).toThrow('DD_WATCHER_LOCAL_TIMEOUT');
    expect(() => loadConfig({ DD_AGENT_EDGE_HOST: 'h', DD_AGENT_EDGE_SECRET: 's', DD_AGENT_EDGE_TIMEOUT: '3601' })).toThrow('DD_AGENT_EDGE_TIMEOUT');
  });
  it('parses registries and rejects unknown providers and a custom registry without URL', () => {
    const config = loadConfig({ DD_REGISTRY_CUSTOM_LOCAL_URL: 'http://127.0.0.1:5000/', DD_REGISTRY_CUSTOM_LOCAL_PASSWORD: 's3cret' });
    expect(config.registries).toEqual([expect.objectContaining({ provider: 'custom', name: 'local', url: 'http://127.0.0.1:5000', password: 's3cret' })]);
    expect(() => loadConfig({ DD_REGISTRY_NOPE_X_URL: 'http://a' })).toThrow(/unknown registry provider 'nope'/);
    expect(() => loadConfig({ DD_REGISTRY_CUSTOM_X_LOGIN: 'a' })).toThrow('DD_REGISTRY_CUSTOM_X_URL: is missing');
  });

  it('refuses credentials written into a URL', () => {
    expect(() => loadConfig({ DD_REGISTRY_CUSTOM_X_URL: 'https://me:pw@registry.example' })).toThrow(/DD_REGISTRY_CUSTOM_X_URL: .*without user:password@/);
  });

  it('never echoes a secret value in an error', () => {
    expect(() => loadConfig({ DD_REGISTRY_HUB_X_INSECURE: 'maybe', DD_REGISTRY_HUB_X_PASSWORD: '' })).toThrow("'maybe'");
  });
});
