/** A backup: what a container ran before an update, enough to roll back to it. */
export interface Backup {
  readonly id: string;
  readonly identity: string;
  readonly watcher: string;
  readonly containerId: string;
  readonly containerName: string;
  /** Repository as the container referenced it (without tag), e.g. `127.0.0.1:5000/app`. */
  readonly imageName: string;
  readonly imageTag: string;
  readonly imageDigest?: string;
  /** Local image id: rollback uses it even when the tag moved. */
  readonly imageId: string;
  /** Full image reference the container was created from. */
  readonly imageReference: string;
  readonly timestamp: string;
  readonly triggerName: string;
  readonly operationId: string;
  /** The old container's full inspect document. */
  readonly spec: Record<string, unknown>;
}

/** The public view (the spec stays server-side: it holds environment values). */
export function publicBackup(backup: Backup): Record<string, unknown> {
  const { spec: _spec, ...rest } = backup;
  return rest;
}
