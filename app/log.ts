import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Keys whose values never reach a log line. The Authorization header carries Basic credentials
 * and the agent secret (`Bearer …`): it is redacted wherever a headers object is logged, up to
 * three levels deep (`req.headers`, `err.request.headers`, …), and so are secrets of nested config.
 */
export const REDACTED_PATHS = [
  'password', '*.password', 'token', '*.token', 'secret', '*.secret', '*.*.secret', 'hash', '*.hash',
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization', '*.*.headers.authorization',
  'cookie', 'headers.cookie', '*.headers.cookie', '*.*.headers.cookie',
];

/** `destination` is for tests; text and json formats otherwise go to stdout. */
export function createLogger(options: { level: string; format: 'text' | 'json' }, destination?: pino.DestinationStream): Logger {
  const base = { level: options.level, redact: { paths: REDACTED_PATHS, censor: '***' }, base: { app: 'dockdeck' } };
  if (destination) return pino(base, destination);
  if (options.format === 'json') return pino(base);
  return pino(base, textDestination());
}

/** A dependency-free one-line text format for humans; json mode is pino's own. */
function textDestination(): pino.DestinationStream {
  const levels: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
  const skip = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'app']);
  return {
    write(line: string) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        process.stdout.write(line);
        return;
      }
      const time = new Date(Number(entry.time)).toISOString();
      const level = levels[Number(entry.level)] ?? String(entry.level);
      const extras = Object.entries(entry)
        .filter(([key]) => !skip.has(key))
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(' ');
      process.stdout.write(`${time} ${level.padEnd(5)} ${String(entry.msg ?? '')}${extras ? ` ${extras}` : ''}\n`);
    },
  };
}

/** A logger that prints nothing, for unit tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
