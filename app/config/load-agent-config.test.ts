import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAgentConfig } from './load-agent-config.ts';
import { loadConfig } from './load-config.ts';

const SECRET = 'a-long-enough-secret-1234';

describe('controller: DD_AGENT_{NAME}_* groups', () => {
  it('makes each agent a watcher reached over TCP, and no default local watcher', () => {
    const config = loadConfig({ DD_AGENT_NAS_HOST: '10.0.0.5', DD_AGENT_NAS_SECRET: SECRET, DD_AGENT_NAS_WATCHBYDEFAULT: 'false' });
    expect(config.watchers).toEqual([
      expect.objectContaining({ name: 'nas', host: '10.0.0.5', port: 3001, protocol: 'http', watchByDefault: false, agent: { secret: SECRET } }),
    ]);
    expect(config.watchers[0]).not.toHaveProperty('socket');
  });

  it('uses https when TLS files are given, reads the secret from a file, and keeps watchers beside agents', () => {
    const folder = mkdtempSync(join(tmpdir(), 'dd-agent-config-'));
    writeFileSync(join(folder, 'secret'), `${SECRET}\n`);
    const config = loadConfig({
      DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
      DD_AGENT_EDGE_HOST: 'edge.example',
      DD_AGENT_EDGE_PORT: '4000',
      DD_AGENT_EDGE_SECRET__FILE: join(folder, 'secret'),
      DD_AGENT_EDGE_CAFILE: '/certs/ca.pem',
      DD_AGENT_EDGE_CERTFILE: '/certs/cert.pem',
      DD_AGENT_EDGE_KEYFILE: '/certs/key.pem',
    });
    expect(config.watchers.map((w) => w.name)).toEqual(['local', 'edge']);
    expect(config.watchers[1]).toMatchObject({ host: 'edge.example', port: 4000, protocol: 'https', cafile: '/certs/ca.pem', agent: { secret: SECRET } });
  });

  it('names the missing or clashing variable', () => {
    expect(() => loadConfig({ DD_AGENT_NAS_SECRET: SECRET })).toThrow('DD_AGENT_NAS_HOST: is missing');
    expect(() => loadConfig({ DD_AGENT_NAS_HOST: 'nas' })).toThrow('DD_AGENT_NAS_SECRET: is missing');
    expect(() => loadConfig({ DD_AGENT_NAS_HOST: 'nas', DD_AGENT_NAS_SECRET: SECRET, DD_AGENT_NAS_CERTFILE: '/c.pem' })).toThrow('DD_AGENT_NAS_KEYFILE: is missing');
    expect(() => loadConfig({ DD_AGENT_NAS_HOST: 'nas', DD_AGENT_NAS_SECRET: SECRET, DD_AGENT_NAS_PORT: 'x' })).toThrow(/DD_AGENT_NAS_PORT: 'x' is not valid/);
    expect(() => loadConfig({ DD_AGENT_NAS_HOST: 'nas', DD_AGENT_NAS_SECRET: SECRET, DD_AGENT_NAS_PROTOCOL: 'http', DD_AGENT_NAS_CAFILE: '/ca' })).toThrow('DD_AGENT_NAS_PROTOCOL');
    expect(() => loadConfig({ DD_WATCHER_NAS_HOST: 'nas', DD_AGENT_NAS_HOST: 'nas', DD_AGENT_NAS_SECRET: SECRET })).toThrow(
      "DD_AGENT_NAS_HOST: names the same watcher 'nas' as DD_WATCHER_NAS_*",
    );
  });

  it('never echoes the secret in an error, and warns about agent-mode keys set on a controller', () => {
    let message = '';
    try {
      loadConfig({ DD_AGENT_NAS_HOST: 'nas', DD_AGENT_NAS_SECRET: SECRET, DD_AGENT_NAS_CRON: 'never' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('DD_AGENT_NAS_CRON');
    expect(message).not.toContain(SECRET);
    const config = loadConfig({ DD_AGENT_SECRET: SECRET, DD_AGENT_NAS_HOST: 'nas', DD_AGENT_NAS_SECRET: SECRET, DD_AGENT_NAS_TYPO: '1' });
    expect(config.warnings).toEqual(
      expect.arrayContaining([expect.stringContaining('DD_AGENT_SECRET is read only by `dockdeck agent`'), 'Unknown variable DD_AGENT_NAS_TYPO is ignored']),
    );
    expect(config.warnings.join('\n')).not.toContain(SECRET);
  });
});

describe('agent mode: loadAgentConfig', () => {
  it('needs a secret of at least 16 characters, named in the error', () => {
    expect(() => loadAgentConfig({})).toThrow(/^DD_AGENT_SECRET: is missing/);
    expect(() => loadAgentConfig({ DD_AGENT_SECRET: 'short' })).toThrow('DD_AGENT_SECRET: the value is not valid; expected a string of at least 16 characters');
  });

  it('has defaults, reads DOCKER_HOST, and reports controller variables as ignored', () => {
    const config = loadAgentConfig({ DD_AGENT_SECRET: SECRET, DOCKER_HOST: 'tcp://127.0.0.1:2375', DD_AGENT_NAS_HOST: 'x', DD_SERVER_PORT: '3000' });
    expect(config).toMatchObject({ port: 3001, address: '0.0.0.0', secret: SECRET, engine: { host: '127.0.0.1', port: 2375 } });
    expect(config.tls).toBeUndefined();
    expect(config.warnings).toEqual([expect.stringContaining('DD_AGENT_NAS_HOST is ignored in agent mode'), expect.stringContaining('DD_SERVER_PORT is ignored in agent mode')]);
    expect(loadAgentConfig({ DD_AGENT_SECRET: SECRET }).engine).toEqual({ socket: '/var/run/docker.sock' });
  });

  it('takes TLS as a pair, with an optional CA for client certificates', () => {
    expect(loadAgentConfig({ DD_AGENT_SECRET: SECRET, DD_AGENT_CERTFILE: '/c', DD_AGENT_KEYFILE: '/k', DD_AGENT_CAFILE: '/ca' }).tls).toEqual({ cert: '/c', key: '/k', ca: '/ca' });
    expect(() => loadAgentConfig({ DD_AGENT_SECRET: SECRET, DD_AGENT_CERTFILE: '/c' })).toThrow('DD_AGENT_KEYFILE: is missing');
    expect(() => loadAgentConfig({ DD_AGENT_SECRET: SECRET, DD_AGENT_CAFILE: '/ca' })).toThrow('DD_AGENT_CAFILE: is set without');
  });
});
