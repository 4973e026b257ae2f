/** A parsed image reference, normalised the way the Docker engine does it. */
export interface ImageReference {
  /** Registry host as written (docker.io for Docker Hub), e.g. `ghcr.io`, `127.0.0.1:5000`. */
  readonly registryHost: string;
  /** Repository path inside the registry; Docker Hub official images get `library/`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export const DOCKER_HUB_HOST = 'docker.io';
const MAX_REFERENCE_LENGTH = 512;
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$/;

export class InvalidReferenceError extends Error {
  constructor(reference: string, reason: string) {
    super(`invalid image reference '${reference.slice(0, 100)}': ${reason}`);
    this.name = 'InvalidReferenceError';
  }
}

/** Parses `[host[:port]/]path[:tag][@digest]`. Throws InvalidReferenceError for anything else. */
export function parseImageReference(reference: string): ImageReference {
  if (reference.length === 0 || reference.length > MAX_REFERENCE_LENGTH) {
    throw new InvalidReferenceError(reference, 'empty or too long');
  }
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new InvalidReferenceError(reference, 'bad digest');
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) throw new InvalidReferenceError(reference, 'bad tag');
  }
  const parts = rest.split('/');
  let registryHost = DOCKER_HUB_HOST;
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))) {
    registryHost = first;
    parts.shift();
    if (!HOST.test(registryHost)) throw new InvalidReferenceError(reference, 'bad registry host');
  }
  if (registryHost === 'index.docker.io' || registryHost === 'registry-1.docker.io') registryHost = DOCKER_HUB_HOST;
  if (parts.length === 0 || parts.some((part) => !COMPONENT.test(part))) {
    throw new InvalidReferenceError(reference, 'bad repository name');
  }
  if (registryHost === DOCKER_HUB_HOST && parts.length === 1) parts.unshift('library');
  return { registryHost, repository: parts.join('/'), ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** The reference as the engine would print it, e.g. for pulling. */
export function formatImageReference(ref: ImageReference): string {
  const repository =
    ref.registryHost === DOCKER_HUB_HOST
      ? ref.repository.replace(/^library\//, '')
      : `${ref.registryHost}/${ref.repository}`;
  return `${repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
