import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** Returns null when the request is well-formed, or why it is not (answered 400). */
export type Validator = (request: ReceivedRequest) => { status: number; error: string } | null;

export interface Receiver {
  readonly url: string;
  /** Requests the receiver accepted (2xx). */
  readonly accepted: ReceivedRequest[];
  /** Requests it refused, with the reason (a strict receiver test asserts this stays empty). */
  readonly rejected: { request: ReceivedRequest; error: string }[];
  /** Answers 503 to the next n well-formed requests. */
  failNext(count: number): void;
  close(): Promise<void>;
}

/**
 * A strict local HTTP receiver on 127.0.0.1 standing in for a notification service:
 * the validator checks paths, auth and every field; `responseBody` is what a real service answers.
 */
export async function startReceiver(validate: Validator, responseBody: (request: ReceivedRequest) => unknown = () => ({ ok: true })): Promise<Receiver> {
  const accepted: ReceivedRequest[] = [];
  const rejected: { request: ReceivedRequest; error: string }[] = [];
  let failures = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 1_000_000) chunks.push(chunk);
    });
    req.on('end', () => {
      const request: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const problem = size > 1_000_000 ? { status: 413, error: 'too large' } : validate(request);
      if (problem) {
        rejected.push({ request, error: problem.error });
        res.writeHead(problem.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: problem.error }));
        return;
      }
      if (failures > 0) {
        failures--;
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"try later"}');
        return;
      }
      accepted.push(request);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(responseBody(request)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    rejected,
    failNext(count: number) {
      failures = count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Helpers for validators: a JSON object whose keys are all known and whose types match. */
export type FieldCheck = (value: unknown) => boolean;
export const isString: FieldCheck = (value) => typeof value === 'string';
export const isNonEmptyString: FieldCheck = (value) => typeof value === 'string' && value.length > 0;
export const isBoolean: FieldCheck = (value) => typeof value === 'boolean';
export const isIntegerIn = (min: number, max: number): FieldCheck => (value) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
export const isArrayOf = (check: FieldCheck): FieldCheck => (value) => Array.isArray(value) && value.every(check);
export const isObjectWith = (fields: Record<string, FieldCheck>, required: string[] = []): FieldCheck => (value) =>
  checkObject(value, fields, required) === null;

/** Null when `value` is an object with only known, well-typed fields and all required ones. */
export function checkObject(value: unknown, fields: Record<string, FieldCheck>, required: string[]): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'body is not a JSON object';
  for (const [key, field] of Object.entries(value)) {
    const check = fields[key];
    if (!check) return `unknown field '${key}'`;
    if (!check(field)) return `field '${key}' has the wrong type or value`;
  }
  for (const key of required) if (!(key in value)) return `missing field '${key}'`;
  return null;
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
