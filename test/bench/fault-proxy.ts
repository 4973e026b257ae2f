import { request as httpRequest, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/** What a registry request is about, from its path. */
export type PathKind = 'ping' | 'tags' | 'manifest' | 'blob' | 'token' | 'other';

/** A fault the proxy answers with instead of forwarding. */
export type Fault =
  | { readonly type: 'status'; readonly status: number; readonly retryAfter?: string }
  | { readonly type: 'garbage' }
  | { readonly type: 'hang' };

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly kind: PathKind;
  /** The fault answered, or undefined when forwarded. */
  readonly fault?: Fault['type'];
}

export interface FaultProxyOptions {
  /** Registry to forward to, e.g. `http://127.0.0.1:5000` (loopback only). */
  readonly target: string;
  /** Delay added before each forwarded request. */
  readonly latencyMs?: number;
  /** Delay before each piece (at most CHUNK_BYTES) of a forwarded answer: a slow link that keeps moving. */
  readonly chunkDelayMs?: number;
}

/** Size of the pieces a `chunkDelayMs` proxy passes on, so the pace does not depend on how the upstream chunks. */
const CHUNK_BYTES = 32 * 1024;

interface PendingFault {
  remaining: number;
  readonly fault: Fault;
  readonly kinds?: readonly PathKind[];
}

/** Starts a proxy (same as FaultProxy.start). */
export function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  return FaultProxy.start(options);
}

export function pathKind(path: string): PathKind {
  const pathname = path.split('?')[0] ?? '';
  if (pathname === '/v2/' || pathname === '/v2') return 'ping';
  if (pathname.endsWith('/tags/list')) return 'tags';
  if (pathname.includes('/manifests/')) return 'manifest';
  if (pathname.includes('/blobs/')) return 'blob';
  if (pathname.includes('token')) return 'token';
  return 'other';
}

/**
 * A loopback HTTP proxy in front of a registry for tests and benchmarks: counts requests by kind,
 * adds latency, and answers the next N requests (optionally only of some kinds) with a fault:
 * 429 with Retry-After, a 5xx, a garbage body, or no answer at all.
 *
 *   const proxy = await FaultProxy.start({ target: registry.url, latencyMs: 20 });
 *   proxy.failNext(3, { type: 'status', status: 429, retryAfter: '1' }, ['tags']);
 *   // point the client at proxy.url / proxy.address …
 *   proxy.requests('tags'); proxy.total(); proxy.countsByKind(); proxy.log; await proxy.close();
 */
export class FaultProxy {
  readonly url: string;
  /** host:port, as used in image references. */
  readonly address: string;
  /** Every request received, in order. */
  readonly log: RecordedRequest[] = [];
  latencyMs: number;
  chunkDelayMs: number;
  readonly #server: Server;
  readonly #target: URL;
  readonly #faults: PendingFault[] = [];
  readonly #sockets = new Set<Socket>();

  private constructor(server: Server, port: number, options: FaultProxyOptions) {
    this.#server = server;
    this.#target = new URL(options.target);
    this.latencyMs = options.latencyMs ?? 0;
    this.chunkDelayMs = options.chunkDelayMs ?? 0;
    this.address = `127.0.0.1:${port}`;
    this.url = `http://${this.address}`;
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const target = new URL(options.target);
    if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(target.hostname)) {
      throw new Error(`the fault proxy only forwards to loopback, not ${target.hostname}`);
    }
    let proxy: FaultProxy | undefined;
    const server = createServer((req, res) => void proxy?.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    proxy = new FaultProxy(server, port, options);
    const created = proxy;
    server.on('connection', (socket: Socket) => {
      created.#sockets.add(socket);
      socket.on('close', () => created.#sockets.delete(socket));
    });
    return created;
  }

  /** Answers the next `count` requests (of the given kinds, or any) with `fault`. Faults queue in order. */
  failNext(count: number, fault: Fault, kinds?: readonly PathKind[]): void {
    this.#faults.push({ remaining: count, fault, ...(kinds ? { kinds } : {}) });
  }

  /** Drops faults not yet used. */
  clearFaults(): void {
    this.#faults.length = 0;
  }

  /** Requests received (forwarded or faulted), optionally of one kind and/or method. */
  count(kind?: PathKind, method?: string): number {
    return this.log.filter((r) => (!kind || r.kind === kind) && (!method || r.method === method)).length;
  }

  /** Number of requests received, optionally of one kind and/or method (same as count). */
  requests(kind?: PathKind, method?: string): number {
    return this.count(kind, method);
  }

  total(): number {
    return this.log.length;
  }

  faulted(): number {
    return this.log.filter((r) => r.fault !== undefined).length;
  }

  /** Counts by kind, e.g. `{ tags: 20, manifest: 100 }`. */
  countsByKind(): Partial<Record<PathKind, number>> {
    const counts: Partial<Record<PathKind, number>> = {};
    for (const r of this.log) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
    return counts;
  }

  resetCounts(): void {
    this.log.length = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const kind = pathKind(path);
    const method = req.method ?? 'GET';
    const pending = this.#faults.find((f) => f.remaining > 0 && (!f.kinds || f.kinds.includes(kind)));
    if (pending) {
      pending.remaining -= 1;
      if (pending.remaining === 0) this.#faults.splice(this.#faults.indexOf(pending), 1);
      this.log.push({ method, path, kind, fault: pending.fault.type });
      req.resume();
      this.answerFault(pending.fault, res);
      return;
    }
    this.log.push({ method, path, kind });
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const upstream = httpRequest(
      {
        host: this.#target.hostname,
        port: this.#target.port,
        method,
        path,
        headers: { ...req.headers, host: this.#target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (this.chunkDelayMs > 0) void this.trickle(answer, res, this.chunkDelayMs);
        else answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(upstream);
  }

  /** Passes the answer on in pieces of CHUNK_BYTES, waiting `delayMs` before each; stops when the client goes away. */
  private async trickle(answer: IncomingMessage, res: ServerResponse, delayMs: number): Promise<void> {
    const gone = new AbortController();
    res.once('close', () => {
      gone.abort();
      answer.destroy();
    });
    try {
      for await (const chunk of answer as AsyncIterable<Buffer>) {
        for (let offset = 0; offset < chunk.length; offset += CHUNK_BYTES) {
          await delay(delayMs, undefined, { signal: gone.signal });
          res.write(chunk.subarray(offset, offset + CHUNK_BYTES));
        }
      }
      res.end();
    } catch {
      res.destroy();
    }
  }

  private answerFault(fault: Fault, res: ServerResponse): void {
    if (fault.type === 'hang') return; // never answer; close() destroys the socket
    if (fault.type === 'garbage') {
      res.writeHead(200, { 'content-type': 'application/json', 'docker-content-digest': 'sha256:not-a-digest' });
      res.end('{"tags": [<<garbage>>');
      return;
    }
    res.writeHead(fault.status, fault.retryAfter ? { 'retry-after': fault.retryAfter, 'content-type': 'application/json' } : { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'FAULT', message: `injected ${fault.status}` }] }));
  }
}
