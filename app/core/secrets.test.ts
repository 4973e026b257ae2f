import { maskedEnv } from './env.ts';
import { isSensitiveKey, isSensitiveLabel, MASK, maskedLabels } from './secrets.ts';

describe('sensitive labels', () => {
  it('masks by key with the environment rule, so env and labels agree', () => {
    for (const key of ['com.example.db.password', 'app.api_key', 'vault.token', 'x.client-secret', 'traefik.http.middlewares.admin.basicauth.users', 'SESSION_COOKIE']) {
      expect(isSensitiveLabel(key, 'whatever')).toBe(true);
      expect(isSensitiveKey(key)).toBe(true);
      expect(maskedEnv([`${key}=whatever`])[0]?.value).toBe(MASK);
    }
  });

  it('masks credential-shaped values whatever the key', () => {
    const hashes = [
      'admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/',
      'alice:$2y$05$abcdefghijklmnopqrstuv,bob:$apr1$xyz$abc',
      'root:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=',
      'u:$6$rounds=5000$salt$hash',
      'postgres://app:s3cr3t@db:5432/app',
      'see https://deploy:ghp_token@git.example.com/repo.git',
    ];
    for (const value of hashes) expect(isSensitiveLabel('com.example.users', value)).toBe(true);
  });

  it('leaves ordinary labels, dd.* labels and spec-defined metadata alone', () => {
    const plain = {
      'com.docker.compose.project': 'media',
      'traefik.http.routers.web.rule': 'Host(`example.com`)',
      'traefik.http.services.web.loadbalancer.server.port': '8080',
      'org.opencontainers.image.authors': 'Jane <jane@example.com>',
      'org.opencontainers.image.source': 'https://github.com/example/app',
      'org.label-schema.url': 'http://example.com:8080/path',
      'dd.trigger.include': 'ntfy.phone:minor',
      'dd.link.template': 'https://example.com/releases/${major}',
      'dd.tag.key': 'not a secret: dockdeck reads it',
      price: 'costs $5$ today',
      'app.endpoint': 'http://user@example.com/',
    };
    expect(maskedLabels(plain)).toEqual(plain);
  });

  it('masks values and keeps every key', () => {
    expect(maskedLabels({ team: 'a', 'traefik.http.middlewares.x.basicauth.users': 'admin:$apr1$a$b', 'db.url': 'mysql://root:pw@db/x' })).toEqual({
      team: 'a',
      'traefik.http.middlewares.x.basicauth.users': MASK,
      'db.url': MASK,
    });
  });

  it('stays fast on hostile values (the patterns are linear)', () => {
    const hostile = ['a'.repeat(100_000), `${'a:'.repeat(50_000)}`, `${'x://'.repeat(20_000)}`, `${'a://b:'.repeat(20_000)}`, ` ${'b'.repeat(100_000)}:`];
    const started = performance.now();
    for (const value of hostile) isSensitiveLabel('team', value);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
