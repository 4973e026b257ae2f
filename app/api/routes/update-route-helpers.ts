import { z } from 'zod';
import type { Container } from '../../core/container.ts';
import { AppError, forbidden, notFound } from '../../core/errors.ts';
import type { UpdateService } from '../../updates/update-service.ts';
import type { AppContext } from '../context.ts';
import { findContainer } from '../sse/container-lookup.ts';

export const errorSchema = z.object({ error: z.string(), code: z.string() });
export const idParams = z.object({ id: z.string().min(1).max(128) });

/** 403 unless DD_SERVER_FEATURE_CONTAINERACTIONS is on. */
export function requireActions(context: AppContext): void {
  if (!context.config.server.features.containerActions) {
    throw forbidden('CONTAINER_ACTIONS_DISABLED', 'Container actions are disabled (DD_SERVER_FEATURE_CONTAINERACTIONS=false)');
  }
}

export function requireUpdates(context: AppContext): UpdateService {
  if (!context.updates) throw new AppError(503, 'UPDATES_UNAVAILABLE', 'The update service is not running');
  return context.updates;
}

export function requireContainer(context: AppContext, id: string): Container {
  const container = findContainer(context.store, id);
  if (!container) throw notFound('Container', id);
  return container;
}

