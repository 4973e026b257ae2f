import { ConfigError } from '../config/config-error.ts';
import type { RawGroup } from '../config/groups.ts';
import { parseGroup } from '../config/groups.ts';
import type { SettingTable } from '../config/setting.ts';
import type { Container } from '../core/container.ts';
import { commonTriggerSettings } from './common-settings.ts';
import type { Templates } from './messages.ts';
import type { ResultTemplates } from './result-messages.ts';
import { DEFAULT_EVENTS, type TriggerEvent } from './trigger-events.ts';
import type { CommonTriggerValues, ProviderDefinition, ProviderEnvironment, TriggerProvider } from './provider.ts';
import { excludedByThreshold, routeThreshold } from './routing.ts';
import { passesThreshold, type Threshold } from './threshold.ts';

/** A configured trigger: framework settings plus its provider. */
export interface Trigger {
  /** `type.name`, e.g. `ntfy.phone`. */
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly kind: 'notify' | 'act';
  readonly threshold: Threshold;
  readonly mode: 'simple' | 'batch';
  readonly once: boolean;
  readonly auto: boolean;
  readonly order: number;
  readonly templates: Templates;
  /** EVENTS: the kinds of messages it sends; absent means the default, update-available only. */
  readonly events?: ReadonlySet<TriggerEvent>;
  /** RESULTTITLE / RESULTBODY; absent on a trigger that sends no results. */
  readonly resultTemplates?: ResultTemplates;
  readonly maxAttempts: number | undefined;
  readonly provider: TriggerProvider;
  /** Common + provider values for the API, secrets masked. */
  readonly configuration: Readonly<Record<string, unknown>>;
}

/** Builds every trigger from its raw group; unknown types and bad values throw ConfigError naming the variable. */
export function buildTriggers(
  groups: readonly RawGroup[],
  definitions: ReadonlyMap<string, ProviderDefinition>,
  environment: ProviderEnvironment,
): { triggers: Trigger[]; warnings: string[] } {
  const triggers: Trigger[] = [];
  const warnings: string[] = [];
  for (const group of groups) {
    const [type = '', name = ''] = group.name.split('.');
    const definition = definitions.get(type);
    const firstKey = [...group.values.keys()][0] ?? '';
    if (!definition) {
      throw new ConfigError(`${group.prefix}${firstKey.toUpperCase()}`, `'${type}' is not a known trigger type`, `one of ${[...definitions.keys()].join(', ')}`);
    }
    const table: SettingTable = { ...commonTriggerSettings, ...definition.settings };
    const { values, unknownKeys } = parseGroup(group, table);
    for (const variable of unknownKeys) warnings.push(`${variable} is not a known setting of the ${type} trigger; ignored`);
    const own = values as Record<string, unknown>;
    const pick = <K extends keyof CommonTriggerValues>(key: K): CommonTriggerValues[K] =>
      (group.values.has(key) ? own[key] : (definition.commonDefaults?.[key] ?? own[key])) as CommonTriggerValues[K];
    const common: CommonTriggerValues = {
      threshold: pick('threshold'),
      mode: pick('mode'),
      once: pick('once'),
      auto: pick('auto'),
      order: pick('order'),
    };
    const events = own.events as readonly TriggerEvent[];
    if (definition.kind === 'act' && events.some((event) => event !== 'update-available')) {
      // The docker trigger acts on available updates; acting on its own results would loop.
      throw new ConfigError(`${group.prefix}EVENTS`, `the ${type} trigger updates containers and takes no other events`, 'update-available');
    }
    const providerValues: Record<string, unknown> = {};
    for (const key of Object.keys(definition.settings)) providerValues[key] = own[key];
    const id = `${type}.${name}`;
    const provider = definition.create({ id, name, prefix: group.prefix, values: providerValues, common, environment });
    const templates: Templates = {
      simpletitle: own.simpletitle as string,
      simplebody: own.simplebody as string,
      batchtitle: own.batchtitle as string,
      batchbody: own.batchbody as string,
    };
    const resultTemplates: ResultTemplates = { resulttitle: own.resulttitle as string, resultbody: own.resultbody as string };
    triggers.push({
      id,
      type,
      name,
      kind: definition.kind,
      threshold: common.threshold as Threshold,
      mode: common.mode,
      once: common.once,
      auto: common.auto,
      order: common.order,
      templates,
      events: new Set(events),
      resultTemplates,
      maxAttempts: definition.maxAttempts,
      provider,
      configuration: { ...common, events: [...events], ...templates, ...(definition.kind === 'notify' ? resultTemplates : {}), ...provider.configuration },
    });
  }
  triggers.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
  return { triggers, warnings };
}

/** Whether the trigger sends this kind of message (EVENTS). */
export function sendsEvent(trigger: Pick<Trigger, 'events'>, event: TriggerEvent): boolean {
  return (trigger.events ?? new Set(DEFAULT_EVENTS)).has(event);
}

/** Whether the trigger applies to the container at all (labels), ignoring update kind. */
export function routesTo(trigger: Trigger, container: Container): boolean {
  return routeThreshold({ include: container.triggerInclude, exclude: container.triggerExclude }, trigger) !== null;
}

/** Whether the container's current update should fire this trigger: available, routed, over threshold. */
export function shouldFire(trigger: Trigger, container: Container): boolean {
  if (!container.updateAvailable || !container.updateKind) return false;
  const threshold = routeThreshold({ include: container.triggerInclude, exclude: container.triggerExclude }, trigger);
  if (threshold === null) return false;
  const kind = container.updateKind.kind;
  if (!passesThreshold(kind, threshold)) return false;
  return !excludedByThreshold(container.triggerExclude, trigger).some((excluded) => passesThreshold(kind, excluded));
}

/** What "the same update" means for ONCE: the new digest for digest updates, else the new tag. */
export function candidateOf(container: Container): string {
  const update = container.updateKind;
  if (!update) return '';
  return update.kind === 'digest' ? (container.result?.digest ?? update.remoteValue) : update.remoteValue;
}
