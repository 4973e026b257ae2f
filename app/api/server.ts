import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Express } from 'express';
import type { Config } from '../config/load-config.ts';

/** Starts the HTTP(S) server; resolves once it listens. */
export function listen(app: Express, server: Config['server']): Promise<Server> {
  const http = server.tls
    ? createHttpsServer({ cert: readFileSync(server.tls.cert), key: readFileSync(server.tls.key) }, app)
    : createHttpServer(app);
  // Slow-loris protection; long-lived streams (SSE) disable the request timeout themselves.
  http.headersTimeout = 20_000;
  http.requestTimeout = 60_000;
  http.keepAliveTimeout = 5_000;
  trackSockets(http);
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(server.port, server.address, () => {
      http.off('error', reject);
      resolve(http);
    });
  });
}

/**
 * Every socket of a server, upgraded ones included: `closeAllConnections` only knows HTTP
 * connections, so an open WebSocket would keep `close` from ever calling back.
 */
const openSockets = new WeakMap<Server, Set<Socket>>();

export function trackSockets(http: Server): void {
  if (openSockets.has(http)) return;
  const sockets = new Set<Socket>();
  openSockets.set(http, sockets);
  http.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
}

/** Stops accepting, lets in-flight requests finish (up to the deadline), then closes the rest. */
export function closeGracefully(http: Server, deadlineMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      http.closeAllConnections();
      for (const socket of openSockets.get(http) ?? []) socket.destroy();
    }, deadlineMs);
    timer.unref();
    http.close(() => {
      clearTimeout(timer);
      resolve();
    });
    http.closeIdleConnections();
  });
}

export function readPackageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
