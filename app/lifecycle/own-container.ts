/**
 * The id of the container dockdeck itself runs in, when it runs in one, so fleet-wide actions
 * never stop or restart the process answering them. Pure: main.ts reads the files.
 *
 * Docker bind-mounts /etc/hostname, /etc/hosts and /etc/resolv.conf from
 * `<data-root>/containers/<id>/`, which shows in /proc/self/mountinfo on cgroup v1 and v2 alike;
 * /proc/self/cgroup names the id on cgroup v1 (`/docker/<id>`) and with the systemd driver
 * (`docker-<id>.scope`).
 */
export function detectOwnContainerId(sources: { readonly mountinfo?: string; readonly cgroup?: string }): string | undefined {
  const mounted = /\/containers\/([0-9a-f]{64})\/(?:hostname|hosts|resolv\.conf)\s/.exec(sources.mountinfo ?? '');
  if (mounted) return mounted[1];
  const grouped = /(?:\/docker\/|docker-)([0-9a-f]{64})(?:\.scope)?\s*$/m.exec(sources.cgroup ?? '');
  return grouped?.[1];
}

/** Whether a stored container is dockdeck's own (full id, or the short id a hostname carries). */
export function isOwnContainer(containerId: string, ownId: string | undefined): boolean {
  if (!ownId) return false;
  return ownId.length >= 12 && containerId.startsWith(ownId);
}
