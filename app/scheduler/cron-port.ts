import cron from 'node-cron';

/** A scheduled job: stop it, ask when it fires next. */
export interface CronJob {
  stop(): void;
  nextRun(): Date | null;
}

/** What the scheduler needs from a cron library; node-cron in production, a fake in unit tests. */
export interface CronPort {
  schedule(expression: string, tick: () => void, name: string): CronJob;
}

export const nodeCronPort: CronPort = {
  schedule(expression, tick, name) {
    const task = cron.schedule(expression, () => tick(), { name, noOverlap: false });
    return {
      stop: () => void task.destroy(),
      nextRun: () => task.getNextRun(),
    };
  },
};
