import { request as httpRequest, createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { Transform, pipeline } from 'node:stream';
import type { Logger } from '../log.ts';
import { matchAllowed } from './allow-list.ts';
import { isAuthorized } from './secret.ts';
import { clientAddress, SecretFailures, type SecretFailureLimit } from './secret-failures.ts';

export type AgentEngineTarget = { readonly socket: string } | { readonly host: string; readonly port: number };

export interface AgentServerOptions {
  readonly secret: string;
  readonly engine: AgentEngineTarget;
  readonly logger: Logger;
  /** PEM contents; with `ca`, clients must present a certificate signed by it. */
  readonly tls?: { readonly cert: Buffer | string; readonly key: Buffer | string; readonly ca?: Buffer | string };
  /** Largest request body relayed (container create is the largest dockdeck sends). */
  readonly maxBodyBytes?: number;
  /** Wrong secrets one address may present before it is answered 429 (default 10 a minute). */
  readonly secretFailureLimit?: SecretFailureLimit;
}

const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
const CLIENT_KEEPALIVE_MS = 30_000;
/** Request headers the engine gets; everything else (the secret first of all) stays at the agent. */
const FORWARDED_REQUEST_HEADERS = ['content-type', 'content-length', 'x-registry-auth', 'accept', 'user-agent'];
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * The agent: relays the allowed part of the local engine's API to an authenticated controller.
 * Responses stream through as they come (events, logs, stats, pull progress); upgrades
 * (attach, exec, hijacked streams) are refused.
 */
export function createAgentServer(options: AgentServerOptions): Server {
  const gate = new SecretGate(options);
  const handler = (req: IncomingMessage, res: ServerResponse) => handleRequest(options, gate, req, res);
  // TCP keepalive: a controller that vanished without a word stops holding an engine event stream open here.
  const keepAlive = { keepAlive: true, keepAliveInitialDelay: CLIENT_KEEPALIVE_MS };
  const server = options.tls
    ? createHttpsServer({ ...keepAlive, cert: options.tls.cert, key: options.tls.key, ...(options.tls.ca ? { ca: options.tls.ca, requestCert: true, rejectUnauthorized: true } : {}) }, handler)
    : createHttpServer(keepAlive, handler);
  server.maxConnections = 512;
  const refuseRaw = (req: IncomingMessage, socket: Duplex) => {
    const verdict = gate.check(req);
    if (verdict.status === 429) {
      const text = JSON.stringify(rateLimitedBody(verdict.retryAfterSeconds));
      socket.end(`HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: ${verdict.retryAfterSeconds}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
      return;
    }
    const authorized = verdict.status === 200;
    const [status, body] = authorized
      ? [403, { error: 'Upgraded (hijacked) connections are not relayed by the agent', code: 'AGENT_UPGRADE_REFUSED' }]
      : [401, unauthorizedBody];
    if (authorized) options.logger.warn({ method: req.method, path: pathOf(req.url), remote: req.socket.remoteAddress }, 'agent refused an upgrade request');
    const text = JSON.stringify(body);
    socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
  };
  server.on('upgrade', refuseRaw);
  server.on('connect', refuseRaw);
  return server;
}

const unauthorizedBody = { error: 'Missing or wrong agent secret', code: 'AGENT_UNAUTHORIZED' };

function rateLimitedBody(retryAfterSeconds: number): Record<string, unknown> {
  return { error: `Too many wrong secrets from this address; retry in ${retryAfterSeconds} s`, code: 'AGENT_RATE_LIMITED', retryAfterSeconds };
}

type Verdict = { readonly status: 200 } | { readonly status: 401 } | { readonly status: 429; readonly retryAfterSeconds: number };

/** The secret check with its per-address limit of failures; logs refusals (never the header). */
class SecretGate {
  readonly #options: AgentServerOptions;
  readonly #failures: SecretFailures;

  constructor(options: AgentServerOptions) {
    this.#options = options;
    this.#failures = new SecretFailures(options.secretFailureLimit);
  }

  check(req: IncomingMessage): Verdict {
    const address = clientAddress(req.socket.remoteAddress);
    // Over the limit, the secret is not even compared: a blocked client learns nothing from its guesses.
    const wait = this.#failures.retryAfterSeconds(address);
    if (wait > 0) {
      this.#options.logger.debug({ method: req.method, path: pathOf(req.url), remote: address, retryAfterSeconds: wait }, 'agent refused a client over its limit of wrong secrets');
      return { status: 429, retryAfterSeconds: wait };
    }
    if (isAuthorized(req.headers.authorization, this.#options.secret)) return { status: 200 };
    const exhausted = this.#failures.recordFailure(address);
    const fields = { method: req.method, path: pathOf(req.url), remote: address };
    this.#options.logger.warn(fields, 'agent refused a request without the right secret');
    if (exhausted) this.#options.logger.warn({ remote: address, retryAfterSeconds: this.#failures.retryAfterSeconds(address) }, 'agent answers 429 to this address for a while: too many wrong secrets');
    return { status: 401 };
  }
}

function handleRequest(options: AgentServerOptions, gate: SecretGate, req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? '';
  const target = req.url ?? '';
  const log = options.logger;
  if (method === 'GET' && target === '/health') {
    sendJson(res, 200, { status: 'ok' });
    return;
  }
  const verdict = gate.check(req);
  if (verdict.status === 429) {
    res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
    sendJson(res, 429, rateLimitedBody(verdict.retryAfterSeconds));
    return;
  }
  if (verdict.status === 401) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="dockdeck-agent"');
    sendJson(res, 401, unauthorizedBody);
    return;
  }
  if (req.headers.upgrade || /\bupgrade\b/i.test(String(req.headers.connection ?? ''))) {
    sendJson(res, 403, { error: 'Upgraded (hijacked) connections are not relayed by the agent', code: 'AGENT_UPGRADE_REFUSED' });
    return;
  }
  const decision = matchAllowed(method, target);
  if (!decision.allowed) {
    log.warn({ method, path: pathOf(target), reason: decision.reason }, 'agent denied an endpoint');
    sendJson(res, 403, { error: `The agent does not relay this call: ${decision.reason}`, code: 'AGENT_ENDPOINT_DENIED' });
    return;
  }
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (!Number.isFinite(declared) || declared > maxBody) {
    sendJson(res, 413, { error: `Request body larger than ${maxBody} bytes`, code: 'AGENT_BODY_TOO_LARGE' });
    return;
  }
  relay(options, req, res, maxBody, decision.endpoint);
}

function relay(options: AgentServerOptions, req: IncomingMessage, res: ServerResponse, maxBody: number, endpoint: string): void {
  const started = Date.now();
  const upstream = httpRequest({
    ...('socket' in options.engine ? { socketPath: options.engine.socket } : { host: options.engine.host, port: options.engine.port }),
    method: req.method,
    path: req.url,
    headers: { ...pick(req.headers, FORWARDED_REQUEST_HEADERS), host: 'docker' },
    // One connection per call: long streams (events, logs, stats) never wait for a pooled socket.
    agent: false,
  });
  upstream.on('response', (engineResponse) => {
    res.writeHead(engineResponse.statusCode ?? 502, withoutHopByHop(engineResponse.headers));
    // Streams (events, logs follow, pull progress) start now, not when the first chunk fills a buffer.
    res.flushHeaders();
    pipeline(engineResponse, res, () => {
      options.logger.debug({ method: req.method, endpoint, status: engineResponse.statusCode, ms: Date.now() - started }, 'relayed');
    });
  });
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error.code === 'AGENT_BODY_TOO_LARGE') {
      sendJson(res, 413, { error: `Request body larger than ${maxBody} bytes`, code: 'AGENT_BODY_TOO_LARGE' });
      return;
    }
    options.logger.error({ endpoint, err: error.code ?? error.message }, 'agent cannot reach its Docker engine');
    sendJson(res, 502, { error: `The agent cannot reach its Docker engine (${error.code ?? 'error'})`, code: 'AGENT_ENGINE_UNAVAILABLE' });
  });
  // The controller went away (a followed stream closed): end the engine call too.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  pipeline(req, bodyLimit(maxBody), upstream, (error) => {
    if (error) upstream.destroy(error);
  });
}

function bodyLimit(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) {
        const error = Object.assign(new Error('request body too large'), { code: 'AGENT_BODY_TOO_LARGE' });
        callback(error);
        return;
      }
      callback(null, chunk);
    },
  });
}

function pick(headers: IncomingHttpHeaders, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

function withoutHopByHop(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

function sendJson(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** The path without the query, bounded, for log lines (queries may carry filters; never headers). */
function pathOf(target: string | undefined): string {
  const path = (target ?? '').split('?')[0] ?? '';
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

/** Loopback addresses, where plain HTTP is acceptable. */
export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}
