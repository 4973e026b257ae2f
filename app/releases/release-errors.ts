import { AppError } from '../core/errors.ts';

/** The errors of GET /containers/:id/release-notes (documented on the route). */

export const releaseNotesUnavailable = (reason: string) =>
  new AppError(404, 'RELEASE_NOTES_UNAVAILABLE', `No release notes can be looked up: ${reason}`);

export const releaseNotFound = (repository: string, tags: readonly string[]) =>
  new AppError(404, 'RELEASE_NOT_FOUND', `${repository} has no release for tag ${tags.map((tag) => `'${tag}'`).join(' or ')}`, { repository });

export const releaseRateLimited = (provider: string, retryAfterSeconds: number) =>
  new AppError(503, 'RELEASE_NOTES_RATE_LIMITED', `The ${provider} API rate limit is used up; dockdeck asks again in ${retryAfterSeconds} s`, { retryAfterSeconds });

export const releaseUpstreamError = (message: string) => new AppError(502, 'RELEASE_NOTES_UPSTREAM_ERROR', message);
