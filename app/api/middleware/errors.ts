import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../../core/errors.ts';
import type { Logger } from '../../log.ts';

/** Unknown routes: a JSON 404, never Express's HTML page. */
export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: `No route for ${req.method} ${req.path.slice(0, 200)}`, code: 'ROUTE_NOT_FOUND' });
};

/** The one error middleware: AppError → its status; body-parser errors → 400/413; the rest → 500 without details. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof AppError) {
      res.status(error.status).json({ error: error.message, code: error.code, ...(error.details ?? {}) });
      return;
    }
    const parserError = error as { type?: string; status?: number; limit?: number };
    if (parserError.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'Request body is not valid JSON', code: 'INVALID_JSON' });
      return;
    }
    if (parserError.type === 'entity.too.large') {
      res.status(413).json({ error: `Request body is larger than ${parserError.limit ?? 'the limit'} bytes`, code: 'PAYLOAD_TOO_LARGE' });
      return;
    }
    if (parserError.type === 'encoding.unsupported' || parserError.type === 'charset.unsupported') {
      res.status(415).json({ error: 'Unsupported request body encoding', code: 'UNSUPPORTED_ENCODING' });
      return;
    }
    if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      res.status(parserError.status).json({ error: 'Bad request', code: 'BAD_REQUEST' });
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    res.status(500).json({ error: 'Internal server error', code: 'INTERNAL_ERROR' });
  };
}
