import bcrypt from 'bcryptjs';
import { runDaemonToExit, startDaemon, type RunningDaemon } from '../../bench/daemon.ts';

describe('basic authentication', () => {
  let daemon: RunningDaemon;
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  beforeAll(async () => {
    daemon = await startDaemon({ DD_AUTH_BASIC_ADMIN_USER: 'admin', DD_AUTH_BASIC_ADMIN_HASH: bcrypt.hashSync('correct horse', 6) });
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('keeps /health open and protects the API', async () => {
    expect((await fetch(`${daemon.url}/health`)).status).toBe(200);
    const anonymous = await fetch(`${daemon.url}/api/v1/app`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic realm="dockdeck"');
    expect(await anonymous.json()).toEqual({ error: 'Authentication required', code: 'UNAUTHORIZED' });
  });

  it('accepts the right password and refuses a wrong one', async () => {
    const ok = await fetch(`${daemon.url}/api/v1/app`, { headers: { authorization: basic('admin', 'correct horse') } });
    expect(ok.status).toBe(200);
    const wrong = await fetch(`${daemon.url}/api/v1/app`, { headers: { authorization: basic('admin', 'nope') } });
    expect(wrong.status).toBe(401);
  });

  it('does not print the open-API warning or the hash', () => {
    expect(daemon.output()).not.toContain('NO AUTHENTICATION IS CONFIGURED');
    expect(daemon.output()).not.toContain('$2');
  });

  it('refuses to start with an unsupported hash, naming the variable', async () => {
    const { code, output } = await runDaemonToExit({ DD_AUTH_BASIC_ADMIN_USER: 'admin', DD_AUTH_BASIC_ADMIN_HASH: 'plaintext' });
    expect(code).not.toBe(0);
    expect(output).toContain('DD_AUTH_BASIC_ADMIN_HASH: is not a supported password hash');
  });
});
