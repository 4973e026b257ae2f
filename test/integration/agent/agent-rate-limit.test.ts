import { randomBytes } from 'node:crypto';
import { request, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAgent, type RunningAgent } from '../../bench/agent.ts';
import { waitFor } from '../../bench/registry-server.ts';

const SECRET = randomBytes(24).toString('hex');
const WRONG = `${SECRET.slice(0, -4)}beef`;
/** The agent's default: 10 wrong secrets a minute per address. */
const LIMIT = 10;

interface Answer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown> | string;
}

/** One request from a chosen loopback source address (every 127/8 address is this machine). */
function call(port: number, path: string, secret: string | undefined, from = '127.0.0.1', extra: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...(secret === undefined ? {} : { authorization: `Bearer ${secret}` }), ...extra };
    const req = request({ host: '127.0.0.1', port, path, headers, localAddress: from, agent: false, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let body: Answer['body'] = text;
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // _ping answers plain text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('dockdeck agent: failed secrets are rate-limited per address', () => {
  let agent: RunningAgent;

  beforeAll(async () => {
    agent = await startAgent({ DD_AGENT_SECRET: SECRET, DD_LOG_LEVEL: 'debug' });
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
  });

  it('never counts or slows requests with the right secret', async () => {
    for (let i = 0; i < 3 * LIMIT; i++) {
      const ok = await call(agent.port, '/_ping', SECRET, '127.0.0.3');
      expect(ok.status).toBe(200);
    }
    // Successes spent nothing: this address still has its whole budget of failures.
    for (let i = 0; i < LIMIT - 1; i++) expect((await call(agent.port, '/_ping', WRONG, '127.0.0.3')).status).toBe(401);
    expect((await call(agent.port, '/_ping', SECRET, '127.0.0.3')).status).toBe(200);
  });

  it('answers 429 JSON with Retry-After once an address used up its wrong secrets, whatever it sends next', async () => {
    const from = '127.0.0.2';
    for (let i = 0; i < LIMIT; i++) {
      const refused = await call(agent.port, '/v1.41/containers/json', i % 2 ? WRONG : undefined, from);
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({ error: 'Missing or wrong agent secret', code: 'AGENT_UNAUTHORIZED' });
    }
    const limited = await call(agent.port, '/v1.41/containers/json', WRONG, from);
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toBe('application/json');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body).toEqual({ error: `Too many wrong secrets from this address; retry in ${retryAfter} s`, code: 'AGENT_RATE_LIMITED', retryAfterSeconds: retryAfter });
    // Blocked means blocked: the right secret gets no answer that would confirm a guess.
    expect((await call(agent.port, '/_ping', SECRET, from)).status).toBe(429);
    // Upgrades are refused the same way on their raw path.
    const upgrade = await call(agent.port, '/v1.41/containers/x/attach', WRONG, from, { connection: 'Upgrade', upgrade: 'tcp' });
    expect(upgrade.status).toBe(429);
    expect(upgrade.headers['retry-after']).toBe(String(retryAfter));
    // Health stays open, and other addresses are not affected.
    expect((await call(agent.port, '/health', undefined, from)).status).toBe(200);
    expect((await call(agent.port, '/_ping', SECRET, '127.0.0.4')).status).toBe(200);
    expect((await call(agent.port, '/_ping', WRONG, '127.0.0.4')).status).toBe(401);
  });

  it('logs the refusals, says once that it blocks an address, and never logs the secret', async () => {
    await waitFor(async () => agent.output().includes('too many wrong secrets'), 5_000, 'the block in the agent log');
    const lines = agent.output().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    const blocks = lines.filter((line) => String(line.msg).includes('too many wrong secrets'));
    expect(blocks).toEqual([expect.objectContaining({ remote: '127.0.0.2', level: 40 })]);
    expect(lines.filter((line) => line.msg === 'agent refused a request without the right secret' && line.remote === '127.0.0.2')).toHaveLength(LIMIT);
    expect(agent.output()).not.toContain(SECRET);
    expect(agent.output()).not.toContain(WRONG);
  });
});
