import { errorMessage } from '../../core/errors.ts';
import { targetReference } from '../../updates/target.ts';
import type { UpdateService } from '../../updates/update-service.ts';
import { defineProvider, maskedConfiguration } from '../provider.ts';
import { dockerTriggerSettings } from './docker-settings.ts';

/**
 * The `docker` act trigger: for each container the framework routes to it (kind ≥ THRESHOLD,
 * AUTO or run by hand), queue an update operation. DRYRUN only logs.
 */
export const dockerProvider = defineProvider({
  type: 'docker',
  kind: 'act',
  description: 'Updates containers: pull, back up, recreate with the same spec, health gate, roll back on failure.',
  settings: dockerTriggerSettings,
  maxAttempts: 1,
  commonDefaults: { auto: false },
  create: ({ values, environment }) => {
    const updates = environment.services?.updates as UpdateService | undefined;
    return {
      configuration: maskedConfiguration(dockerTriggerSettings, values),
      async send(delivery) {
        for (const container of delivery.containers) {
          if (!container.result || !container.updateKind) continue;
          if (values.dryrun) {
            environment.logger.info({ container: container.name, to: container.result.tag }, 'docker trigger (dry run): would update');
            continue;
          }
          if (!updates) throw new Error('The update service is not available');
          const inspect = await updates.engineFor(container.watcher).inspectContainer(container.id);
          if (!inspect) continue;
          try {
            await updates.enqueue(container, {
              kind: 'update',
              targetImage: targetReference(inspect.Config.Image, container.result.tag),
              fromVersion: container.updateKind.localValue,
              toVersion: container.updateKind.remoteValue,
            });
          } catch (error) {
            // Already updating (409) is not a failure of this delivery.
            if ((error as { status?: number }).status !== 409) throw new Error(`update of ${container.name} not queued: ${errorMessage(error)}`);
          }
        }
      },
    };
  },
});
