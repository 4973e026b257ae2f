import cron from 'node-cron';
import { ConfigError } from './config-error.ts';

export function validateCron(variable: string, expression: string): void {
  if (!cron.validate(expression)) {
    throw new ConfigError(variable, `'${expression}' is not a valid cron expression`, "a cron expression such as '0 */6 * * *'");
  }
}
