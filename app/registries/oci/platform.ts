import type { Descriptor } from './schemas.ts';

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', x86: '386', aarch64: 'arm64', armhf: 'arm', armel: 'arm' };

/** The variant an engine assumes when an image names none (as the engine's platform matcher does). */
const DEFAULT_VARIANTS: Record<string, string> = { arm64: 'v8', arm: 'v7' };

export function normaliseArchitecture(architecture: string): string {
  const lower = architecture.toLowerCase();
  return ARCH_ALIASES[lower] ?? lower;
}

/** BuildKit attestations sit in indexes as `unknown/unknown` manifests; they are never images to run. */
export function isAttestation(descriptor: Descriptor): boolean {
  if (descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') return true;
  return descriptor.platform?.os === 'unknown' && descriptor.platform.architecture === 'unknown';
}

/**
 * Picks the index entry for a platform: same os and architecture; the exact variant when the
 * image has one, else an entry without variant (or arm64's default v8). Null when none fits.
 */
export function selectPlatformManifest(manifests: readonly Descriptor[], platform: Platform): Descriptor | null {
  const os = platform.os.toLowerCase() || 'linux';
  const architecture = normaliseArchitecture(platform.architecture || 'amd64');
  const variant = platform.variant?.toLowerCase();
  const fitting = manifests.filter(
    (entry) =>
      entry.platform !== undefined &&
      !isAttestation(entry) &&
      entry.platform.os.toLowerCase() === os &&
      normaliseArchitecture(entry.platform.architecture) === architecture,
  );
  if (fitting.length === 0) return null;
  const variantOf = (entry: Descriptor) => entry.platform?.variant?.toLowerCase();
  if (variant) return fitting.find((entry) => variantOf(entry) === variant) ?? null;
  const defaultVariant = DEFAULT_VARIANTS[architecture];
  return (
    fitting.find((entry) => variantOf(entry) === undefined) ??
    fitting.find((entry) => defaultVariant !== undefined && variantOf(entry) === defaultVariant) ??
    fitting[0] ??
    null
  );
}
