import { createLogger } from './log.ts';

function capture(): { lines: string[]; destination: { write(line: string): void } } {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe('log redaction', () => {
  const SECRET = 'agent-secret-0123456789abcdef';

  it('never writes the Authorization header (the agent secret) or a nested secret, wherever it is logged', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'debug', format: 'json' }, destination);
    logger.warn({ req: { method: 'GET', url: '/containers/json', headers: { authorization: `Bearer ${SECRET}`, cookie: `dd_session=${SECRET}` } } }, 'request');
    logger.warn({ headers: { authorization: `Bearer ${SECRET}` } }, 'headers');
    logger.error({ err: { message: 'refused', request: { headers: { Authorization: 'x', authorization: `Bearer ${SECRET}` } } } }, 'error');
    logger.info({ watcher: { name: 'edge', agent: { secret: SECRET } } }, 'config');
    logger.info({ authorization: `Bearer ${SECRET}` }, 'bare');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).not.toContain(SECRET);
    expect(JSON.parse(lines[0] ?? '{}').req).toEqual({ method: 'GET', url: '/containers/json', headers: { authorization: '***', cookie: '***' } });
    expect(JSON.parse(lines[3] ?? '{}').watcher).toEqual({ name: 'edge', agent: { secret: '***' } });
  });

  it('leaves other fields alone', () => {
    const { lines, destination } = capture();
    createLogger({ level: 'info', format: 'json' }, destination).info({ remote: '127.0.0.1', path: '/v1.41/info' }, 'fine');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ remote: '127.0.0.1', path: '/v1.41/info', msg: 'fine' });
  });
});
