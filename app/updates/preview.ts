import type { Container } from '../core/container.ts';
import { buildCreatePlan, type ContainerInspect } from './container-spec.ts';
import type { UpdateEngine } from './update-engine.ts';

/**
 * The dry run of an update: which image goes in, what of the old spec is not carried over (and
 * why), which phases would run. Nothing is pulled: a target not yet local is reported as such.
 */
export async function buildPreview(engine: UpdateEngine, old: ContainerInspect, targetImage: string, container: Container): Promise<Record<string, unknown>> {
  const oldImage = await engine.inspectImage(old.Image);
  const newImage = await engine.inspectImage(targetImage);
  const plan = buildCreatePlan(old, oldImage?.Config ?? {}, newImage?.Config ?? {}, targetImage);
  const keptEnv = new Set(plan.body.Env as string[]);
  const keptLabels = plan.body.Labels as Record<string, string>;
  const running = old.State.Running;
  return {
    containerId: container.id,
    containerName: plan.name,
    currentImage: old.Config.Image,
    targetImage,
    fromVersion: container.updateKind?.localValue,
    toVersion: container.updateKind?.remoteValue,
    updateKind: container.updateKind?.kind,
    targetImageLocal: Boolean(newImage),
    running,
    changes: {
      image: { from: old.Config.Image, to: targetImage },
      // Only keys: values may be secrets.
      envFromOldImageDropped: (old.Config.Env ?? []).filter((entry) => !keptEnv.has(entry)).map((entry) => entry.split('=')[0]),
      labelsFromOldImageDropped: Object.keys(old.Config.Labels ?? {}).filter((key) => !(key in keptLabels)),
      networks: [...Object.keys((plan.body.NetworkingConfig as { EndpointsConfig?: object } | undefined)?.EndpointsConfig ?? {}), ...plan.extraNetworks.map((network) => network.name)],
    },
    temporaryName: `${plan.name}-dd-old-<operation id>`,
    phases: running
      ? ['prepare', 'pulling', 'renamed', 'new-created', 'old-stopped', 'new-started', 'health-gate', 'health-gate-passed', 'succeeded']
      : ['prepare', 'pulling', 'renamed', 'new-created', 'old-stopped', 'succeeded'],
  };
}
