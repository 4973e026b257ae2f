import { z } from 'zod';
import { containerIdentity } from '../../core/container.ts';
import { AppError } from '../../core/errors.ts';
import { publicBackup, type Backup } from '../../updates/backup.ts';
import type { UpdateEngine } from '../../updates/update-engine.ts';
import { publicOperation } from '../../updates/operation.ts';
import type { AppContext } from '../context.ts';
import type { RouteRegistry } from '../route-registry.ts';
import { errorSchema, idParams, requireActions, requireContainer, requireUpdates } from './update-route-helpers.ts';

const backupSchema = z
  .object({
    id: z.string(),
    containerId: z.string(),
    containerName: z.string(),
    imageName: z.string(),
    imageTag: z.string(),
    imageDigest: z.string().optional(),
    timestamp: z.string(),
    triggerName: z.string(),
  })
  .passthrough();
const listSchema = z.object({ data: z.array(backupSchema), total: z.number() });

/** Backups and rollback (seed 003). Registered before the containers module: /containers/backups is static. */
export function registerBackupRoutes(api: RouteRegistry, context: AppContext): void {
  api.add({
    method: 'get',
    path: '/api/v1/containers/backups',
    tag: 'backups',
    summary: 'All image backups, optionally for one container name',
    query: z.object({ containerName: z.string().max(256).optional() }),
    responses: { 200: { description: 'Backups, most recent first', schema: listSchema } },
    handler: ({ query }) => {
      const data = requireUpdates(context)
        .repository.backups()
        .filter((backup) => query.containerName === undefined || backup.containerName === query.containerName)
        .sort((a, b) => b.timestamp.localeCompare(a.timestamp))
        .map(publicBackup);
      return { data, total: data.length };
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/containers/:id/backups',
    tag: 'backups',
    summary: 'Image backups of a container, most recent first',
    params: idParams,
    responses: { 200: { description: 'Backups', schema: listSchema }, 404: { description: 'Unknown container', schema: errorSchema } },
    handler: ({ params }) => {
      const container = requireContainer(context, params.id);
      const data = requireUpdates(context).repository.backupsFor(containerIdentity(container)).map(publicBackup);
      return { data, total: data.length };
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/containers/:id/rollback',
    tag: 'backups',
    summary: 'Roll the container back to a backed-up image (the most recent backup by default), or retry a rollback that failed',
    params: idParams,
    body: z.object({ backupId: z.string().max(128).optional() }).strict(),
    confirmAction: 'container-rollback',
    responses: {
      200: { description: 'Rolled back (or the failed rollback completed on retry); the operation is returned' },
      403: { description: 'Container actions are disabled', schema: errorSchema },
      404: { description: 'Unknown container or backup', schema: errorSchema },
      409: { description: 'An operation is already running for this container', schema: errorSchema },
      428: { description: 'Confirmation header missing', schema: errorSchema },
      500: { description: 'The rollback did not complete (after an update: the container runs its previous image; a retried rollback: see the operation\'s lastError)', schema: errorSchema },
    },
    handler: async ({ params, body }) => {
      requireActions(context);
      const service = requireUpdates(context);
      const container = requireContainer(context, params.id);
      const stranded = body.backupId === undefined ? service.strandedRollbackFor(container) : undefined;
      if (stranded) {
        const operation = await service.retryRollback(stranded.id, 'manual');
        if (operation.status !== 'rolled-back') {
          throw new AppError(500, 'ROLLBACK_FAILED', operation.lastError ?? 'The rollback retry failed', { operationId: operation.id });
        }
        return { message: 'Rollback completed on retry', operationId: operation.id, operation: publicOperation(operation) };
      }
      const backup = service.latestBackup(containerIdentity(container), body.backupId);
      const engine = service.engineFor(container.watcher);
      const targetImage = await rollbackImage(engine, backup);
      const operation = await service.enqueue(container, {
        kind: 'rollback',
        targetImage,
        fromVersion: container.image.tag.value,
        toVersion: backup.imageTag,
      });
      await service.whenDone(operation.id);
      if (operation.status !== 'succeeded') {
        throw new AppError(500, 'ROLLBACK_FAILED', operation.rollbackReason ?? operation.lastError ?? 'Rollback failed', { operationId: operation.id });
      }
      return { message: 'Container rolled back', operationId: operation.id, backupId: backup.id, operation: publicOperation(operation) };
    },
  });
}

/**
 * What to run for a rollback: the backup's tag while it still names the backed-up image, else the
 * local image id; when the image was removed outside dockdeck, its digest (pulled by the executor).
 */
async function rollbackImage(engine: UpdateEngine, backup: Backup): Promise<string> {
  const tagged = await engine.inspectImage(backup.imageReference);
  if (tagged?.Id === backup.imageId) return backup.imageReference;
  if (await engine.inspectImage(backup.imageId)) return backup.imageId;
  return backup.imageDigest ? `${backup.imageName}@${backup.imageDigest}` : backup.imageReference;
}
