import { USAGE, UsageError, parseCliArgs, streamUrl } from './args.ts';
import { FatalStreamError, followSse } from './follow-sse.ts';

/** The `dockdeck` command: `serve` starts the daemon, `agent` the agent; `events` and `stats` follow SSE streams. */
async function run(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`dockdeck: ${error.message}\n\n${USAGE}`);
    return 64;
  }
  if (args.command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.command === 'serve') {
    await import('../main.ts');
    return -1; // the daemon owns the process from here
  }
  if (args.command === 'agent') {
    await import('../agent/main.ts');
    return -1; // the agent owns the process from here
  }

  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  // A closed pipe (`dockdeck events | head`) ends the command quietly.
  process.stdout.on('error', () => abort.abort());
  try {
    await followSse({
      url: streamUrl(args),
      headers: args.headers,
      ...(args.lastEventId !== undefined ? { lastEventId: args.lastEventId } : {}),
      signal: abort.signal,
      onStatus: (message) => process.stderr.write(`dockdeck: ${message}\n`),
      onEvent: (event) => {
        if (event.event === 'dd:heartbeat' && !args.heartbeats) return;
        let data: unknown = event.data;
        try {
          data = JSON.parse(event.data);
        } catch {
          // not JSON: print as a string
        }
        process.stdout.write(`${JSON.stringify({ id: event.id ?? null, event: event.event ?? 'message', data })}\n`);
      },
    });
    return 0;
  } catch (error) {
    if (error instanceof FatalStreamError) {
      process.stderr.write(`dockdeck: ${error.message}\n`);
      return error.status === 401 || error.status === 403 ? 77 : 69;
    }
    throw error;
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`dockdeck: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
