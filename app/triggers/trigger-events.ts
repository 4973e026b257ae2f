import { z } from 'zod';
import type { Setting } from '../config/setting.ts';

/**
 * The kinds of messages a trigger can send (DD_TRIGGER_{TYPE}_{NAME}_EVENTS):
 * - `update-available`: a watch found a newer image (the only one by default);
 * - `update-applied`: dockdeck updated a container (or rolled it back to a backup, by hand);
 * - `update-failed`: an update failed, rolled back or not;
 * - `rollback-failed`: a rollback failed (the service may be down), dockdeck gave up retrying it,
 *   or a retry finally brought the old container back.
 */
export const TRIGGER_EVENTS = ['update-available', 'update-applied', 'update-failed', 'rollback-failed'] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];
/** The kinds about what an update operation did (every one but update-available). */
export type ResultEvent = Exclude<TriggerEvent, 'update-available'>;

export const DEFAULT_EVENTS: readonly TriggerEvent[] = ['update-available'];

/** A comma-separated list of event kinds; an unknown word is a configuration error naming the variable. */
export function eventsSetting(description: string): Setting<readonly TriggerEvent[]> {
  return {
    schema: z
      .string()
      .transform((value) => [...new Set(value.split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean))])
      .pipe(z.array(z.enum(TRIGGER_EVENTS)).min(1)),
    expected: `a comma-separated list of ${TRIGGER_EVENTS.join(', ')}`,
    description,
    defaultValue: DEFAULT_EVENTS,
  };
}
