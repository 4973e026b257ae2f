import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CURRENT_SCHEMA_VERSION } from '../../../app/store/schema.ts';
import { stateFor } from '../../fixtures/store-states.ts';

const NODE = join(process.cwd(), 'node_modules/.bin/node');
const TRIALS = 25;

function runWriterAndKill(folder: string, killAfterMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['--disable-warning=ExperimentalWarning', 'test/fixtures/store-writer.ts', folder], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), killAfterMs));
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`writer exited on its own (${code}): ${stderr}`));
    });
  });
}

describe('store crash safety', () => {
  const folders: string[] = [];
  afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

  it(`leaves a parseable file equal to a written state after SIGKILL mid-write (${TRIALS} trials)`, async () => {
    const seen = new Set<number>();
    for (let trial = 0; trial < TRIALS; trial++) {
      const folder = mkdtempSync(join(tmpdir(), 'dd-crash-'));
      folders.push(folder);
      await runWriterAndKill(folder, 20 + ((trial * 37) % 150));
      const text = readFileSync(join(folder, 'dd.json'), 'utf8');
      const data = JSON.parse(text) as { settings: { counter?: number }; audit: unknown[]; schemaVersion: number };
      expect(data.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
      const counter = data.settings.counter;
      if (counter === undefined) {
        // Killed before the first loop write landed: the initial empty store.
        expect(data.audit).toEqual([]);
      } else {
        expect(data.audit).toEqual(stateFor(counter).audit);
        seen.add(counter);
      }
      // Temp files may remain after a kill; the store file itself is never one of them.
      expect(readdirSync(folder).filter((name) => !name.endsWith('.tmp'))).toEqual(['dd.json']);
    }
    // The writer really was writing when it was killed, not idle.
    expect(seen.size).toBeGreaterThan(TRIALS / 2);
  });
});
