import { z } from 'zod';

/** Registry responses are hostile input: every shape is validated and bounded. */
export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest].join(', ');

export function isIndexMediaType(mediaType: string | null | undefined): boolean {
  const base = (mediaType ?? '').split(';')[0]?.trim().toLowerCase();
  return base === MEDIA_TYPES.ociIndex || base === MEDIA_TYPES.dockerList;
}

export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
export const digestSchema = z.string().regex(DIGEST_PATTERN);

const TAG_PATTERN = /^[\w][\w.-]{0,127}$/;

export const tagListSchema = z.object({
  name: z.string().max(512).optional(),
  // Some registries answer `null` for a repository without tags.
  tags: z.array(z.string().max(256)).max(100_000).nullable().optional(),
});

/** Keeps well-formed tags only; a hostile entry is dropped, not fatal. */
export function validTags(tags: readonly string[]): string[] {
  return tags.filter((tag) => TAG_PATTERN.test(tag));
}

export const platformSchema = z.object({
  architecture: z.string().max(64),
  os: z.string().max(64),
  variant: z.string().max(64).optional(),
});

export const descriptorSchema = z.object({
  mediaType: z.string().max(256).optional(),
  digest: digestSchema,
  size: z.number().int().nonnegative().optional(),
  platform: platformSchema.optional(),
  annotations: z.record(z.string().max(256), z.string().max(4096)).optional(),
});

export const indexSchema = z.object({
  schemaVersion: z.number().optional(),
  mediaType: z.string().max(256).optional(),
  manifests: z.array(descriptorSchema).max(1000),
});

export type Descriptor = z.infer<typeof descriptorSchema>;
export type ImageIndex = z.infer<typeof indexSchema>;

export const tokenResponseSchema = z
  .object({
    token: z.string().min(1).max(16_384).optional(),
    access_token: z.string().min(1).max(16_384).optional(),
    expires_in: z.number().nonnegative().max(31_536_000).optional(),
    issued_at: z.string().max(64).optional(),
  })
  .refine((value) => value.token !== undefined || value.access_token !== undefined, 'no token in the response');
