import { z } from 'zod';
import { AppError, truncate } from '../../core/errors.ts';
import type { AppContext } from '../context.ts';
import { findContainer } from '../sse/container-lookup.ts';
import type { RouteRegistry } from '../route-registry.ts';
import { errorSchema, idParams } from './update-route-helpers.ts';

const releaseNotesSchema = z.object({
  provider: z.enum(['github']).describe('The forge the notes come from (only GitHub for now)'),
  repository: z.string().describe('owner/repo'),
  tag: z.string().describe("The release's tag on the forge (the update's tag, or it with/without a leading v)"),
  name: z.string().describe('Release title (the tag when it has none)'),
  body: z.string().describe('Release notes as plain text (Markdown source, never rendered HTML), at most 256 KiB'),
  truncated: z.boolean().describe('True when body was cut to 256 KiB'),
  url: z.string().describe('The release page (http or https)'),
  publishedAt: z.string().nullable().describe('ISO 8601; null for an unpublished release'),
  prerelease: z.boolean(),
  source: z
    .enum(['dd.release.repo', 'org.opencontainers.image.source', 'image-name'])
    .describe('How the repository was found: the container label, the image label, or a ghcr.io image name'),
});

/** GET release notes of a container's available update (seed 003; the seed gives no shape, docs/api.md does). */
export function registerReleaseNotesRoutes(api: RouteRegistry, context: AppContext): void {
  api.add({
    method: 'get',
    path: '/api/v1/containers/:id/release-notes',
    tag: 'containers',
    summary: "GitHub release notes for the container's available update",
    params: idParams,
    responses: {
      200: { description: 'The release of the update tag', schema: releaseNotesSchema },
      404: {
        description:
          'CONTAINER_NOT_FOUND; NO_UPDATE_AVAILABLE; RELEASE_NOTES_UNAVAILABLE (no GitHub repository known for the image, or a bad dd.release.repo label); RELEASE_NOT_FOUND (the repository has no release for the tag)',
        schema: errorSchema,
      },
      502: { description: 'RELEASE_NOTES_UPSTREAM_ERROR: GitHub failed, timed out or answered something unusable', schema: errorSchema },
      503: { description: 'RELEASE_NOTES_RATE_LIMITED (with retryAfterSeconds and Retry-After): GitHub rate limit used up', schema: errorSchema },
    },
    handler: async ({ params, res }) => {
      const container = findContainer(context.store, params.id);
      if (!container) throw new AppError(404, 'CONTAINER_NOT_FOUND', `Container '${truncate(params.id, 80)}' not found`);
      if (!context.releaseNotes) throw new AppError(503, 'RELEASE_NOTES_SERVICE_UNAVAILABLE', 'Release notes are not available in this process');
      try {
        return await context.releaseNotes.forContainer(container);
      } catch (error) {
        const retryAfter = error instanceof AppError ? error.details?.retryAfterSeconds : undefined;
        if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
        throw error;
      }
    },
  });
}
