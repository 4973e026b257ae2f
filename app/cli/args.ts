import { parseArgs } from 'node:util';

export const USAGE = `Usage: dockdeck <command> [options]

Commands:
  serve                 start the daemon (configured with DD_* environment variables)
  agent                 serve this host's Docker engine to a controller (DD_AGENT_SECRET, DD_AGENT_PORT, …)
  events                follow GET /api/v1/events/ui, one JSON object per line
  stats                 follow the fleet summary (or --container ID), one JSON object per line

Options (events, stats):
  --url URL             dockdeck base URL (default http://127.0.0.1:3000)
  --user USER:PASSWORD  HTTP Basic credentials
  -H, --header 'N: V'   extra request header (repeatable), e.g. 'Authorization: Bearer …'
  --container ID        stats: follow one container's dd:container-stats
  --last-event-id ID    resume after this event id
  --heartbeats          also print dd:heartbeat events
  -h, --help            this text
`;

export interface CliArgs {
  readonly command: 'serve' | 'agent' | 'events' | 'stats' | 'help';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly container?: string;
  readonly lastEventId?: string;
  readonly heartbeats: boolean;
}

export class UsageError extends Error {}

/** Parses argv (without node and the script); throws UsageError with a message for the user. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        user: { type: 'string' },
        header: { type: 'string', short: 'H', multiple: true },
        container: { type: 'string' },
        'last-event-id': { type: 'string' },
        heartbeats: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const command = values.help ? 'help' : (positionals[0] ?? 'help');
  if (command !== 'serve' && command !== 'agent' && command !== 'events' && command !== 'stats' && command !== 'help') {
    throw new UsageError(`unknown command '${command}'`);
  }
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
  const url = (values.url ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(url)) throw new UsageError('--url must start with http:// or https://');
  const headers: Record<string, string> = {};
  for (const header of values.header ?? []) {
    const colon = header.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header '${header}' is not 'Name: value'`);
    headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
  }
  if (values.user !== undefined) {
    if (!values.user.includes(':')) throw new UsageError('--user must be USER:PASSWORD');
    headers.authorization = `Basic ${Buffer.from(values.user).toString('base64')}`;
  }
  return {
    command,
    url,
    headers,
    heartbeats: values.heartbeats ?? false,
    ...(values.container !== undefined ? { container: values.container } : {}),
    ...(values['last-event-id'] !== undefined ? { lastEventId: values['last-event-id'] } : {}),
  };
}

/** The stream a command follows. */
export function streamUrl(args: CliArgs): string {
  if (args.command === 'stats') {
    return args.container
      ? `${args.url}/api/v1/containers/${encodeURIComponent(args.container)}/stats/stream`
      : `${args.url}/api/v1/stats/summary/stream`;
  }
  return `${args.url}/api/v1/events/ui`;
}
