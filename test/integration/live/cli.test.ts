import { spawn, type ChildProcess } from 'node:child_process';
import { NODE_BIN } from '../../bench/daemon.ts';
import { startLiveHarness, type LiveHarness } from './harness.ts';

interface Line {
  id: string | null;
  event: string;
  data: { operation?: { phase?: string } };
}

/** Runs `bin/dockdeck.js` and collects its stdout lines as JSON. */
function runCli(args: readonly string[]): { child: ChildProcess; lines: Line[]; stderr: () => string; waitForLines: (n: number) => Promise<void> } {
  const child = spawn(NODE_BIN, ['bin/dockdeck.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Line[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) lines.push(JSON.parse(part) as Line);
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return {
    child,
    lines,
    stderr: () => stderr,
    waitForLines: async (n) => {
      const deadline = Date.now() + 30_000;
      while (lines.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${lines.length} lines; stderr: ${stderr}`);
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

describe('dockdeck events / stats', () => {
  let harness: LiveHarness;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    harness = await startLiveHarness({ heartbeatMs: 60_000 });
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await harness?.close();
  });

  it('prints one JSON object per event and catches up after a dropped connection with Last-Event-ID', async () => {
    const cli = runCli(['events', '--url', harness.url]);
    children.push(cli.child);
    await cli.waitForLines(1);
    expect(cli.lines[0]?.event).toBe('dd:connected');
    harness.bus.emit('update-operation-changed', { operation: { phase: 'prepare' } });
    await cli.waitForLines(2);

    harness.dropConnections();
    harness.bus.emit('update-operation-changed', { operation: { phase: 'renamed' } });
    harness.bus.emit('update-operation-changed', { operation: { phase: 'succeeded' } });
    // Reconnects after the server's retry delay; the replay brings the two missed events.
    await cli.waitForLines(5);
    const phases = cli.lines.filter((l) => l.event === 'dd:update-operation-changed').map((l) => l.data.operation?.phase);
    expect(phases).toEqual(['prepare', 'renamed', 'succeeded']);
    const ids = cli.lines.filter((l) => l.event === 'dd:update-operation-changed').map((l) => Number(l.id));
    expect(ids[1]).toBe((ids[0] ?? 0) + 1);
    expect(ids[2]).toBe((ids[0] ?? 0) + 2);
    expect(cli.stderr()).toContain('retrying');

    cli.child.kill('SIGINT');
    const code = await new Promise((resolve) => cli.child.once('exit', resolve));
    expect(code).toBe(0);
  });

  it('follows the fleet summary', async () => {
    const cli = runCli(['stats', '--url', harness.url]);
    children.push(cli.child);
    await cli.waitForLines(2);
    expect(cli.lines[1]).toMatchObject({ event: 'dd:stats-summary', data: { watchedCount: 0, topCpu: [] } });
    cli.child.kill('SIGTERM');
  });

  it('exits non-zero on a response retrying cannot fix', async () => {
    const cli = runCli(['stats', '--url', harness.url, '--container', 'missing']);
    children.push(cli.child);
    const code = await new Promise((resolve) => cli.child.once('exit', resolve));
    expect(code).toBe(69);
    expect(cli.stderr()).toContain('HTTP 404');
  });
});
