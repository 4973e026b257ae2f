/** The one error type of dockdeck: a stable machine code, an HTTP status and safe extra details. */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(400, code, message, details);
export const notFound = (what: string, id?: string) =>
  new AppError(404, 'NOT_FOUND', id ? `${what} '${truncate(id, 80)}' not found` : `${what} not found`);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(409, code, message, details);
export const forbidden = (code: string, message: string) => new AppError(403, code, message);
export const unavailable = (code: string, message: string) => new AppError(503, code, message);

/** Bounded copy of untrusted text for messages, so a 100 KB label never ends up in a log line. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
