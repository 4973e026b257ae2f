import type { Container } from '../core/container.ts';
import { truncate } from '../core/errors.ts';
import type { ReleaseSource } from './types.ts';

/** Container label naming the repository whose releases describe the image: `owner/repo` or a GitHub URL. */
export const RELEASE_REPO_LABEL = 'dd.release.repo';
const MAX_LABEL_LENGTH = 256;

// GitHub's rules: owners are 1–39 letters, digits and inner hyphens; repositories 1–100 of
// letters, digits, '.', '_' and '-' (but not '.' or '..'). Nothing else ever reaches a URL path.
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const GITHUB_HOSTS = new Set(['github.com', 'www.github.com']);

export type SourceResolution =
  | { readonly found: true; readonly source: ReleaseSource }
  | { readonly found: false; readonly reason: string };

/**
 * Where the container's releases are published. The dd.release.repo label wins (it exists to
 * correct the others); then the image's org.opencontainers.image.source label; then the image
 * name itself when it lives on ghcr.io. A bad label is reported, never skipped silently.
 */
export function resolveReleaseSource(container: Pick<Container, 'labels' | 'image'>): SourceResolution {
  const override = Object.hasOwn(container.labels, RELEASE_REPO_LABEL) ? container.labels[RELEASE_REPO_LABEL] : undefined;
  if (override !== undefined && override.trim() !== '') {
    if (override.length > MAX_LABEL_LENGTH) return { found: false, reason: `label ${RELEASE_REPO_LABEL} is longer than ${MAX_LABEL_LENGTH} characters` };
    const repository = parseRepositoryLabel(override.trim());
    if (!repository) {
      return { found: false, reason: `label ${RELEASE_REPO_LABEL}: '${truncate(override.trim(), 80)}' is not a GitHub owner/repo or https://github.com/owner/repo URL` };
    }
    return { found: true, source: { provider: 'github', ...repository, origin: 'dd.release.repo' } };
  }
  let unsupported: string | undefined;
  if (container.image.source) {
    const repository = parseGitHubUrl(container.image.source);
    if (repository) return { found: true, source: { provider: 'github', ...repository, origin: 'org.opencontainers.image.source' } };
    unsupported = truncate(container.image.source, 120);
  }
  const fromName = ghcrRepository(container.image);
  if (fromName) return { found: true, source: { provider: 'github', ...fromName, origin: 'image-name' } };
  return {
    found: false,
    reason: unsupported
      ? `the image source '${unsupported}' is not a GitHub repository (only GitHub is supported); set the label ${RELEASE_REPO_LABEL}=owner/repo`
      : `the image has no org.opencontainers.image.source label and is not on ghcr.io; set the label ${RELEASE_REPO_LABEL}=owner/repo`,
  };
}

/** `owner/repo`, or any form parseGitHubUrl accepts. */
export function parseRepositoryLabel(value: string): { owner: string; repo: string } | undefined {
  const parts = value.split('/');
  if (parts.length === 2) return validRepository(parts[0] ?? '', parts[1] ?? '');
  return parseGitHubUrl(value);
}

/**
 * The owner/repo of a GitHub URL: https://github.com/o/r (and .git, /tree/…, ?… after it),
 * git+https://, git://, ssh://git@github.com/o/r.git, git@github.com:o/r.git, github.com/o/r.
 */
export function parseGitHubUrl(value: string): { owner: string; repo: string } | undefined {
  const text = value.trim();
  if (text.length > 512) return undefined;
  const scp = /^git@github\.com:([^/]+)\/([^/]+)$/i.exec(text);
  if (scp) return validRepository(scp[1] ?? '', scp[2] ?? '');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text.replace(/^git\+/i, '') : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (!['https:', 'http:', 'git:', 'ssh:'].includes(url.protocol) || !GITHUB_HOSTS.has(url.hostname.toLowerCase())) return undefined;
  const [owner = '', repo = ''] = url.pathname.split('/').filter(Boolean);
  return validRepository(owner, repo);
}

/** The image name as owner/repo when the image is on ghcr.io (lscr.io serves from there too, under other names). */
function ghcrRepository(image: Container['image']): { owner: string; repo: string } | undefined {
  if (image.registry.name.startsWith('lscr.')) return undefined;
  let host: string;
  try {
    host = new URL(image.registry.url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  if (host !== 'ghcr.io') return undefined;
  const [owner = '', repo = ''] = image.name.split('/');
  return validRepository(owner, repo);
}

function validRepository(owner: string, rawRepo: string): { owner: string; repo: string } | undefined {
  const repo = rawRepo.replace(/\.git$/i, '');
  if (!OWNER.test(owner) || !REPO.test(repo) || repo === '.' || repo === '..') return undefined;
  return { owner, repo };
}
