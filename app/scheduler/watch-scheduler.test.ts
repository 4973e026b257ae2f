import { silentLogger } from '../watchers/testing/fakes.ts';
import type { Logger } from '../log.ts';
import type { CronPort } from './cron-port.ts';
import { WatchScheduler } from './watch-scheduler.ts';

function fakeCron() {
  const jobs: { expression: string; tick: () => void; stopped: boolean }[] = [];
  const port: CronPort = {
    schedule(expression, tick) {
      const job = { expression, tick, stopped: false };
      jobs.push(job);
      return { stop: () => void (job.stopped = true), nextRun: () => new Date('2026-03-01T12:00:00Z') };
    },
  };
  return { port, jobs };
}

describe('WatchScheduler', () => {
  it('watches at start, on each cron tick, and stops', async () => {
    const cron = fakeCron();
    let runs = 0;
    const scheduler = new WatchScheduler({
      watcher: { name: 'local', watch: async () => void runs++ },
      options: { cron: '0 */6 * * *', jitterSeconds: 0, watchAtStart: true },
      cron: cron.port,
      logger: silentLogger,
    });
    scheduler.start();
    expect(runs).toBe(1);
    expect(cron.jobs[0]?.expression).toBe('0 */6 * * *');
    expect(scheduler.nextRunAt?.toISOString()).toBe('2026-03-01T12:00:00.000Z');
    cron.jobs[0]!.tick();
    expect(runs).toBe(2);
    scheduler.stop();
    expect(cron.jobs[0]!.stopped).toBe(true);
    expect(scheduler.nextRunAt).toBeNull();
  });

  it('delays a tick by the jitter and ignores ticks while a jittered run waits', async () => {
    const cron = fakeCron();
    let runs = 0;
    const scheduler = new WatchScheduler({
      watcher: { name: 'local', watch: async () => void runs++ },
      options: { cron: '* * * * *', jitterSeconds: 0.05, watchAtStart: false },
      cron: cron.port,
      logger: silentLogger,
      random: () => 0.9,
    });
    scheduler.start();
    expect(runs).toBe(0);
    cron.jobs[0]!.tick();
    cron.jobs[0]!.tick();
    expect(runs).toBe(0);
    expect(scheduler.nextRunAt).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(runs).toBe(1);
    scheduler.stop();
  });

  it('a failing run is logged, never thrown', async () => {
    const cron = fakeCron();
    const logged: string[] = [];
    const logger = { error: (_fields: unknown, message: string) => void logged.push(message) } as unknown as Logger;
    const scheduler = new WatchScheduler({
      watcher: { name: 'local', watch: async () => Promise.reject(new Error('engine down')) },
      options: { cron: '* * * * *', jitterSeconds: 0, watchAtStart: true },
      cron: cron.port,
      logger,
    });
    scheduler.start();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(logged).toEqual(['scheduled watch failed: engine down']);
    scheduler.stop();
  });
});
