import type { EnvEntry } from './env.ts';
import type { UpdatePolicyRecord } from './policy.ts';

/** The Container model: what dockdeck knows about one watched container. Shapes follow the API (seed 003). */

export const UPDATE_KINDS = ['major', 'minor', 'patch', 'prerelease', 'digest'] as const;
export type UpdateKind = (typeof UPDATE_KINDS)[number];

export const RUNTIME_STATES = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'] as const;
export type RuntimeState = (typeof RUNTIME_STATES)[number];

export interface ImageInfo {
  /** Local image id (sha256:…). */
  readonly id: string;
  readonly registry: { readonly name: string; readonly url: string };
  /** Repository path inside the registry, e.g. `library/nginx`. */
  readonly name: string;
  readonly tag: { readonly value: string; readonly semver: boolean };
  readonly digest: {
    readonly watch: boolean;
    /** Digests the local image is known under in its repository (RepoDigests). */
    readonly repoDigests: readonly string[];
    /** The registry's current digest for the watched tag, when known. */
    readonly value?: string;
  };
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly created?: string;
  /**
   * Where the image's source code lives: its `org.opencontainers.image.source` label (untrusted,
   * bounded; read by the release notes lookup, which validates it before any use).
   */
  readonly source?: string;
}

/** What the registry offers: the newest candidate tag (and digest). */
export interface RegistryResult {
  readonly tag: string;
  readonly digest?: string;
  readonly created?: string;
  readonly link?: string;
}

export interface UpdateKindInfo {
  readonly kind: UpdateKind;
  readonly localValue: string;
  readonly remoteValue: string;
}

export interface CheckError {
  readonly message: string;
  readonly code?: string;
  readonly at: string;
}

export interface Container {
  readonly id: string;
  readonly name: string;
  readonly watcher: string;
  readonly agent?: string;
  readonly status: RuntimeState;
  readonly health?: string;
  readonly displayName: string;
  readonly displayIcon: string;
  readonly group?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Environment with sensitive values masked as *** (POST /containers/:id/env/reveal unmasks). */
  readonly env?: readonly EnvEntry[];
  readonly watched: boolean;
  readonly includeTags?: string;
  readonly excludeTags?: string;
  readonly transformTags?: string;
  readonly linkTemplate?: string;
  readonly triggerInclude?: string;
  readonly triggerExclude?: string;
  readonly image: ImageInfo;
  /** Last good registry answer; kept when a later check fails. */
  readonly result?: RegistryResult;
  /** The update the last good result describes; null when up to date. */
  readonly updateKind: UpdateKindInfo | null;
  /** Skip, snooze and maturity settings of this container (PATCH /containers/:id/update-policy). */
  readonly updatePolicy?: UpdatePolicyRecord;
  /** True when an update exists and no policy (skip, snooze, maturity) suppresses it. */
  readonly updateAvailable: boolean;
  /** `ok` after a good check, `unknown` when the last check failed, `pending` before the first. */
  readonly checkStatus: 'ok' | 'unknown' | 'pending';
  readonly error?: CheckError;
  readonly lastCheckedAt?: string;
  /** When the current candidate was first seen (drives maturity). */
  readonly updateDetectedAt?: string;
  readonly createdAt?: string;
}

/** Identity that survives recreation (a new id after an update): agent::watcher::name. */
export function containerIdentity(container: Pick<Container, 'agent' | 'watcher' | 'name'>): string {
  return `${container.agent ?? ''}::${container.watcher}::${container.name}`;
}
