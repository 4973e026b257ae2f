import type { Container } from '../api/types.ts';

/** What the lists and pages show about a container, derived in one place. */

export type CheckState = 'update' | 'up-to-date' | 'unknown' | 'pending' | 'unwatched';

export function checkState(container: Container): CheckState {
  if (container.watched === false) return 'unwatched';
  if (container.checkStatus === 'unknown' || (container.error && container.checkStatus !== 'ok')) return 'unknown';
  if (container.checkStatus === 'pending') return 'pending';
  if (container.updateAvailable) return 'update';
  return 'up-to-date';
}

export function displayName(container: Container): string {
  return container.displayName?.trim() || container.name;
}

export function imageName(container: Container): string {
  const registry = container.image.registry?.url?.replace(/^https?:\/\//, '').replace(/\/v2\/?$/, '');
  const hub = !registry || /docker\.io|registry-1\.docker\.io/.test(registry);
  const name = hub ? container.image.name.replace(/^library\//, '') : `${registry}/${container.image.name}`;
  return name;
}

export function currentTag(container: Container): string {
  return container.image.tag.value;
}

/** The tag (or short digest) an update would move to; empty when there is none. */
export function newTag(container: Container): string {
  if (!container.updateAvailable) return '';
  const kind = container.updateKind;
  if (kind?.kind === 'digest') return `${container.image.tag.value} (new digest)`;
  return kind?.remoteValue ?? container.result?.tag ?? '';
}

export function updateKind(container: Container): string {
  return container.updateAvailable ? (container.updateKind?.kind ?? 'update') : '';
}

export function isRunning(container: Container): boolean {
  return container.status === 'running';
}

export function groupOf(container: Container): string {
  return container.group || container.labels?.['com.docker.compose.project'] || '';
}
