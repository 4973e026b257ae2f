import type { IncomingMessage, Server } from 'node:http';
import { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Express } from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { AppError, errorMessage } from '../../core/errors.ts';
import { readLogText, openLogStream } from '../../logs/log-reader.ts';
import { logDownloadQuery, logStreamQuery, type LogStreamQuery } from '../../logs/log-query.ts';
import { CLOSE_ERROR, CLOSE_NOT_FOUND, CLOSE_NOT_RUNNING, pipeLogsToSocket } from '../../logs/log-socket.ts';
import type { AppContext } from '../context.ts';
import type { RouteRegistry } from '../route-registry.ts';
import { containerOnEngine, findContainer } from '../sse/container-lookup.ts';
import { openStream } from '../sse/route-helpers.ts';

const gzipAsync = promisify(gzip);
const errorSchema = z.object({ error: z.string(), code: z.string() });
const idParams = z.object({ id: z.string().min(1).max(256) });
const LOG_STREAM_PATH = /^\/api\/v1\/containers\/[^/]+\/logs\/stream$/;
/** Bytes waiting in a log socket before the engine stream is paused, and when it resumes. */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;

const UPGRADE = Symbol('dockdeck.upgrade');
interface PendingUpgrade {
  readonly socket: Duplex;
  readonly head: Buffer;
  taken: boolean;
}
type UpgradeRequest = IncomingMessage & { [UPGRADE]?: PendingUpgrade };

/** GET /api/v1/containers/:id/logs (download) and the WebSocket /api/v1/containers/:id/logs/stream. */
export function registerLogRoutes(api: RouteRegistry, context: AppContext): void {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  // Log streams follow for hours: end them at shutdown, or the server would wait for them.
  context.live?.onStop(() => {
    for (const ws of sockets.clients) ws.close(1001, 'dockdeck is shutting down');
  });

  api.add({
    method: 'get',
    path: '/api/v1/containers/:id/logs',
    tag: 'logs',
    summary: 'Download the log of a container as text (gzip when Accept-Encoding allows)',
    params: idParams,
    query: logDownloadQuery,
    responses: {
      200: { description: 'The log text (Content-Disposition: attachment)', contentType: 'text/plain' },
      404: { description: 'Container not found', schema: errorSchema },
      500: { description: 'The engine failed to return the log', schema: errorSchema },
    },
    handler: async ({ params, query, req, res }) => {
      const { container, engine } = containerOnEngine(context.store, context.engines, params.id);
      let text: string;
      try {
        text = await readLogText(engine, container.id, query);
      } catch (error) {
        throw engineError(error);
      }
      const fileName = `${container.name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 100) || 'container'}.log`;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
      res.setHeader('Vary', 'Accept-Encoding');
      if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
        res.setHeader('Content-Encoding', 'gzip');
        res.send(await gzipAsync(Buffer.from(text, 'utf8')));
      } else {
        res.send(text);
      }
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/containers/:id/logs/stream',
    tag: 'logs',
    summary:
      'WebSocket: log lines as JSON frames {type, ts, line}. Close codes: 1000 end of stream, 4001 not running, 4004 not found, 1011 error',
    params: idParams,
    query: logStreamQuery,
    responses: {
      101: { description: 'Switching to the WebSocket protocol' },
      426: { description: 'Not a WebSocket request', schema: errorSchema },
      429: { description: 'Too many open streams', schema: errorSchema },
    },
    handler: ({ params, query, req }) => {
      const upgrade = (req as UpgradeRequest)[UPGRADE];
      if (!upgrade) throw new AppError(426, 'UPGRADE_REQUIRED', 'This endpoint speaks WebSocket only');
      let release: () => void = () => undefined;
      if (context.live) {
        const limiter = context.live.limiter;
        openStream(() => {
          const slot = limiter.acquire(req.ip ?? 'unknown');
          if ('refused' in slot) throw new AppError(429, 'TOO_MANY_STREAMS', 'Too many open streams', { scope: slot.refused });
          release = slot.release;
        });
      }
      upgrade.taken = true;
      // ws answers a malformed handshake itself without calling back: free the slot with the socket.
      upgrade.socket.once('close', release);
      req.res?.detachSocket(upgrade.socket as never);
      sockets.handleUpgrade(req, upgrade.socket, upgrade.head, (ws) => {
        void streamLogs(ws, context, params.id, query).finally(() => release());
      });
    },
  });
}

async function streamLogs(ws: WebSocket, context: AppContext, id: string, query: LogStreamQuery): Promise<void> {
  const container = findContainer(context.store, id);
  if (!container) return void ws.close(CLOSE_NOT_FOUND, 'container not found');
  const engine = context.engines.get(container.watcher);
  if (!engine || container.agent) return void ws.close(CLOSE_ERROR, 'watcher unavailable');
  let target: Awaited<ReturnType<typeof openLogStream>>;
  try {
    target = await openLogStream(engine, container.id, query);
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    return void ws.close(status === 404 ? CLOSE_NOT_FOUND : CLOSE_ERROR, status === 404 ? 'container not found' : 'engine error');
  }
  if (query.follow && !target.running) {
    target.stream.destroy();
    return void ws.close(CLOSE_NOT_RUNNING, 'container is not running');
  }
  if (ws.readyState !== ws.OPEN) {
    target.stream.destroy();
    return;
  }
  await pipeLogsToSocket(ws, target, { highWaterBytes: HIGH_WATER, lowWaterBytes: LOW_WATER });
}

function engineError(error: unknown): Error {
  if (error instanceof AppError) return error;
  if ((error as { statusCode?: number }).statusCode === 404) return new AppError(404, 'NOT_FOUND', 'Container not found on its engine');
  return new AppError(500, 'LOGS_FAILED', `Could not read the log: ${errorMessage(error).slice(0, 200)}`);
}

/**
 * Routes WebSocket upgrades through the Express app, so authentication and validation run as for
 * any request; the log-stream route then takes the socket over. Call once the server exists.
 */
export function attachWebSocketUpgrades(http: Server, app: Express): void {
  http.on('upgrade', (req: UpgradeRequest, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!LOG_STREAM_PATH.test(path)) {
      // Another listener may own this path; with none, nobody would ever answer.
      if (http.listenerCount('upgrade') === 1) socket.destroy();
      return;
    }
    const pending: PendingUpgrade = { socket, head, taken: false };
    req[UPGRADE] = pending;
    socket.on('error', () => socket.destroy());
    const res = new ServerResponse(req);
    res.assignSocket(socket as never);
    // An answer without upgrade (401, 400, 404 …) is a plain HTTP response: close after it.
    res.on('finish', () => {
      if (!pending.taken) socket.end();
    });
    app(req, res);
  });
}
