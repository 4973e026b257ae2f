import type { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Content type when not JSON (e.g. text/event-stream). */
  readonly contentType?: string;
}

export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly req: Request;
  readonly res: Response;
}

/** A handler's explicit answer: a status other than 200, or headers. */
export class Reply {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body?: unknown) {
    this.status = status;
    this.body = body;
  }
}

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  readonly method: Method;
  /** Express path, e.g. `/api/v1/containers/:id`. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** Required value of the X-DD-Confirm-Action header (428 without it). */
  readonly confirmAction?: string;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** Returns the JSON body (200), a Reply, or nothing after writing the response itself. */
  readonly handler: (input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>) => unknown;
}

type AnySpec = RouteSpec<z.ZodType, z.ZodType, z.ZodType>;

/**
 * Routes declared once: the same zod schemas validate requests and produce the OpenAPI document,
 * so the document cannot drift from what the server accepts.
 */
export class RouteRegistry {
  readonly #specs: AnySpec[] = [];
  readonly #router: Router;

  constructor(router: Router) {
    this.#router = router;
  }

  get specs(): readonly AnySpec[] {
    return this.#specs;
  }

  add<P extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, B extends z.ZodType = z.ZodUnknown>(
    spec: RouteSpec<P, Q, B>,
  ): void {
    this.#specs.push(spec as unknown as AnySpec);
    this.#router[spec.method](spec.path, async (req: Request, res: Response, next: NextFunction) => {
      try {
        if (spec.confirmAction) requireConfirmation(req, spec.confirmAction);
        const params = parsePart('path parameter', spec.params, req.params);
        const query = parsePart('query parameter', spec.query, req.query);
        const body = parsePart('body field', spec.body, req.body);
        const result = await spec.handler({ params, query, body, req, res } as RouteInput<z.output<P>, z.output<Q>, z.output<B>>);
        if (res.headersSent) return;
        if (result instanceof Reply) {
          if (result.body === undefined) res.status(result.status).end();
          else res.status(result.status).json(result.body);
        } else if (result === undefined) {
          res.status(204).end();
        } else {
          res.json(result);
        }
      } catch (error) {
        next(error);
      }
    });
  }
}

function requireConfirmation(req: Request, action: string): void {
  if (req.get('x-dd-confirm-action') !== action) {
    throw new AppError(428, 'CONFIRMATION_REQUIRED', `This action needs the header X-DD-Confirm-Action: ${action}`, {
      requiredHeader: 'X-DD-Confirm-Action',
      requiredValue: action,
    });
  }
}

function parsePart(what: string, schema: z.ZodType | undefined, value: unknown): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  const code = what === 'query parameter' ? 'INVALID_QUERY' : what === 'body field' ? 'INVALID_BODY' : 'INVALID_PARAMETER';
  const message = field ? `Invalid ${what} '${field}': ${issue?.message ?? 'invalid'}` : `Invalid ${what.split(' ')[0]}: ${issue?.message ?? 'invalid'}`;
  throw new AppError(400, code, message, field ? { parameter: field } : undefined);
}
