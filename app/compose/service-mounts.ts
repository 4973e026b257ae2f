import type { ContainerInspect, ImageConfig } from '../updates/container-spec.ts';
import { literal } from './compose-values.ts';

/** One entry of `docker inspect`'s Mounts (the engine's view of what is mounted, however it was asked). */
interface MountInfo {
  readonly Type: string;
  readonly Name?: string;
  readonly Source?: string;
  readonly Destination: string;
  readonly Driver?: string;
  readonly Mode?: string;
  readonly RW?: boolean;
  readonly Propagation?: string;
}

export interface MountsPart {
  /** Service `volumes:` entries: short strings where they are unambiguous, long syntax otherwise. */
  readonly volumes: Array<string | Record<string, unknown>>;
  /** Top-level `volumes:` definitions by key. */
  readonly definitions: Record<string, Record<string, unknown>>;
  /** Service `tmpfs:` entries (`/path[:options]`). */
  readonly tmpfs: string[];
  readonly warnings: string[];
}

/** Names the engine makes up for anonymous volumes. */
const ANONYMOUS_VOLUME = /^[0-9a-f]{64}$/;

export function mountsOf(inspect: ContainerInspect, image: ImageConfig | undefined, includeVolumes: boolean): MountsPart {
  const part: MountsPart = { volumes: [], definitions: {}, tmpfs: tmpfsOf(inspect), warnings: [] };
  if (!includeVolumes) return part;
  const imageVolumes = image?.Volumes ?? {};
  for (const mount of (inspect.Mounts ?? []) as readonly MountInfo[]) {
    const readOnly = mount.RW === false;
    if (mount.Type === 'volume') {
      const name = mount.Name ?? '';
      if (!name || ANONYMOUS_VOLUME.test(name)) {
        // The image's VOLUME makes it again by itself; any other anonymous volume is declared by its path.
        if (!(mount.Destination in imageVolumes)) part.volumes.push(shortOrLong('volume', undefined, mount.Destination, readOnly));
        continue;
      }
      part.volumes.push(shortOrLong('volume', name, mount.Destination, readOnly));
      // `name:` keeps the engine's volume name instead of Compose's `<project>_<key>`, so the data follows.
      const definition: Record<string, unknown> = { name: literal(name) };
      if (mount.Driver && mount.Driver !== 'local') definition.driver = literal(mount.Driver);
      part.definitions[name] = definition;
    } else if (mount.Type === 'bind') {
      part.volumes.push(bindOf(mount, readOnly));
    } else if (mount.Type === 'tmpfs') {
      part.volumes.push({ type: 'tmpfs', target: literal(mount.Destination) });
    } else {
      part.warnings.push(`Mount of type '${mount.Type}' at '${mount.Destination}' is not exported`);
    }
  }
  return part;
}

/**
 * A bind mount. Propagation alone goes in the long syntax (`bind.propagation`, read by every
 * client). An SELinux label goes in the short syntax's options (`:z`, with the propagation beside
 * it): docker-compose 1.x refuses `bind.selinux` but hands the short options to the engine as they
 * are, and Compose v2 parses them. Only a path with a colon, which the short syntax cannot say,
 * keeps `bind.selinux` (read by Compose v2 only).
 */
function bindOf(mount: MountInfo, readOnly: boolean): string | Record<string, unknown> {
  const source = mount.Source ?? '';
  const propagation = mount.Propagation && mount.Propagation !== 'rprivate' ? mount.Propagation : undefined;
  const selinux = /(^|,)([zZ])(,|$)/.exec(mount.Mode ?? '')?.[2];
  if (!propagation && !selinux) return shortOrLong('bind', source, mount.Destination, readOnly);
  const shortPossible = source.startsWith('/') && ![source, mount.Destination].some((path) => path.includes(':'));
  if (selinux && shortPossible) return literal(`${source}:${mount.Destination}:${[...(readOnly ? ['ro'] : []), ...(propagation ? [propagation] : []), selinux].join(',')}`);
  const long: Record<string, unknown> = { type: 'bind', source: literal(source), target: literal(mount.Destination) };
  if (readOnly) long.read_only = true;
  const bind: Record<string, unknown> = {};
  if (propagation) bind.propagation = propagation;
  if (selinux) bind.selinux = selinux;
  long.bind = bind;
  return long;
}

/** `source:target[:ro]` unless a path holds a colon, a bind is relative or an anonymous volume is read-only: only the long syntax says those. */
function shortOrLong(type: 'volume' | 'bind', source: string | undefined, target: string, readOnly: boolean): string | Record<string, unknown> {
  const ambiguous = [source ?? '', target].some((path) => path.includes(':')) || (type === 'bind' && !(source ?? '').startsWith('/')) || (readOnly && !source);
  if (ambiguous) {
    const long: Record<string, unknown> = { type, target: literal(target) };
    if (source) long.source = literal(source);
    if (readOnly) long.read_only = true;
    return long;
  }
  const parts = source ? [source, target] : [target];
  if (readOnly && source) parts.push('ro');
  return literal(parts.join(':'));
}

function tmpfsOf(inspect: ContainerInspect): string[] {
  const tmpfs = (inspect.HostConfig.Tmpfs ?? {}) as Record<string, string>;
  return Object.entries(tmpfs).map(([path, options]) => literal(options ? `${path}:${options}` : path));
}
