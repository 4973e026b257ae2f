import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import type { Clock } from '../../clock/clock.ts';
import type { WatcherConfig } from '../../config/load-config.ts';
import { EngineConnection } from '../engine-connection.ts';

/** One request dockerode sent, as the fake modem saw it. */
export interface ScriptedRequest {
  readonly method: string;
  /** Path without the query, e.g. `/containers/abc/stop`. */
  readonly path: string;
  readonly query: Record<string, unknown>;
  readonly signal: AbortSignal | undefined;
}

/** A streamed answer: `send` is a chunk from the engine (it passes the socket, as in node:http). */
export class ScriptedStream extends PassThrough {
  readonly socket = new EventEmitter();

  send(chunk: string): void {
    this.socket.emit('data', Buffer.from(chunk));
    this.write(chunk);
  }
}

/** What the engine does with a request: answer JSON, stream, fail, or never answer. */
export type ScriptedAnswer = { readonly json: unknown } | { readonly stream: ScriptedStream } | { readonly error: Error } | 'hang';

const BASE: WatcherConfig = {
  name: 'remote',
  host: '127.0.0.1',
  cron: '0 */6 * * *',
  jitterSeconds: 0,
  watchByDefault: true,
  watchAll: false,
  watchEvents: false,
  watchAtStart: false,
  labelFilter: [],
};

function abortError(): Error {
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
}

/**
 * An EngineConnection whose dockerode modem never touches the network: each request goes to
 * `answer` (GET /version answers API 1.45 unless `answer` says otherwise), and an aborted request
 * fails or ends its stream the way node:http does. No I/O, so limits are tested on a fake clock.
 */
export function scriptedConnection(
  answer: (request: ScriptedRequest) => ScriptedAnswer | undefined,
  options: { readonly clock: Clock; readonly timeoutSeconds?: number },
): { connection: EngineConnection; requests: ScriptedRequest[] } {
  const requests: ScriptedRequest[] = [];
  const dial = (dialOptions: { method: string; path: string; options?: Record<string, unknown>; abortSignal?: AbortSignal }, callback: (error: unknown, data: unknown) => void) => {
    const path = dialOptions.path.split('?')[0] ?? '';
    const request: ScriptedRequest = { method: dialOptions.method, path, query: { ...(dialOptions.options ?? {}) }, signal: dialOptions.abortSignal };
    requests.push(request);
    const answered = answer(request) ?? (path === '/version' ? { json: { ApiVersion: '1.45' } } : { error: new Error(`unscripted ${request.method} ${path}`) });
    let settled = false;
    const onAbort = () => {
      if (!settled) {
        settled = true;
        callback(abortError(), null);
      } else if (typeof answered === 'object' && 'stream' in answered) {
        answered.stream.destroy(abortError());
      }
    };
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    if (answered === 'hang') return;
    queueMicrotask(() => {
      if (settled) return;
      settled = true;
      if ('error' in answered) callback(answered.error, null);
      else if ('stream' in answered) callback(null, answered.stream);
      else callback(null, answered.json);
    });
  };
  const connection = new EngineConnection(
    { ...BASE, ...(options.timeoutSeconds !== undefined ? { timeoutSeconds: options.timeoutSeconds } : {}) },
    {
      clock: options.clock,
      createDocker: (dockerOptions) => {
        const docker = new Docker(dockerOptions);
        (docker.modem as unknown as { dial: typeof dial }).dial = dial;
        return docker;
      },
    },
  );
  return { connection, requests };
}
