import { AppError, errorMessage, truncate } from '../core/errors.ts';
import type { ComposeSource, NetworkInspect, ServiceInput } from './types.ts';

/** One container to export and the engine it runs on. */
export interface ExportTarget {
  /** The id or name the caller gave, for messages. */
  readonly requested: string;
  readonly containerId: string;
  readonly source: ComposeSource;
}

export interface ExportFailure {
  readonly requested: string;
  readonly error: AppError;
}

export interface GatheredInputs {
  readonly inputs: ServiceInput[];
  readonly failures: ExportFailure[];
}

const ENGINE_NETWORKS = new Set(['bridge', 'host', 'none']);
/** Inspects in flight at once per batch: enough to be quick, few enough to spare a small engine. */
const CONCURRENCY = 4;

export const containerNotFound = (id: string) => new AppError(404, 'CONTAINER_NOT_FOUND', `Container '${truncate(id, 80)}' not found`);

/**
 * Reads what the Compose builder needs from the engines: the container, its image (for the
 * defaults), its user networks and, in `container:` network mode, the other container's name.
 * A container that cannot be read becomes a failure; the others go on (seed 002: 206 Partial Content).
 */
export async function gatherInputs(targets: readonly ExportTarget[], includeNetworks: boolean): Promise<GatheredInputs> {
  const inputs: Array<ServiceInput | undefined> = new Array(targets.length);
  const failures: Array<ExportFailure | undefined> = new Array(targets.length);
  for (let start = 0; start < targets.length; start += CONCURRENCY) {
    await Promise.all(
      targets.slice(start, start + CONCURRENCY).map(async (target, offset) => {
        try {
          inputs[start + offset] = await gatherOne(target, includeNetworks);
        } catch (error) {
          failures[start + offset] = { requested: target.requested, error: asAppError(error) };
        }
      }),
    );
  }
  return { inputs: inputs.filter((input) => input !== undefined), failures: failures.filter((failure) => failure !== undefined) };
}

async function gatherOne(target: ExportTarget, includeNetworks: boolean): Promise<ServiceInput> {
  const { source } = target;
  const inspect = await source.inspectContainer(target.containerId);
  if (!inspect) throw containerNotFound(target.requested);
  // The image's defaults are optional knowledge: without them everything is written out.
  const image = await source.inspectImage(inspect.Image).catch(() => undefined);
  const networks = new Map<string, NetworkInspect>();
  if (includeNetworks) {
    for (const name of Object.keys(inspect.NetworkSettings.Networks ?? {})) {
      if (ENGINE_NETWORKS.has(name)) continue;
      const network = await source.inspectNetwork(name).catch(() => undefined);
      if (network) networks.set(name, network);
    }
  }
  const mode = inspect.HostConfig.NetworkMode ?? '';
  let sharedNetworkContainer: ServiceInput['sharedNetworkContainer'];
  if (mode.startsWith('container:')) {
    const id = mode.slice('container:'.length);
    const other = await source.inspectContainer(id).catch(() => undefined);
    if (other) sharedNetworkContainer = { id: other.Id, name: other.Name.replace(/^\//, '') };
  }
  return { inspect, ...(image ? { image: image.Config } : {}), networks, ...(sharedNetworkContainer ? { sharedNetworkContainer } : {}) };
}

function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError(500, 'CONTAINER_INSPECT_FAILED', `Failed to inspect container: ${truncate(errorMessage(error), 200)}`);
}
