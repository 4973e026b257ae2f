import { isThreshold, type Threshold } from './threshold.ts';

/** One entry of dd.trigger.include / dd.trigger.exclude: `type.name[:threshold]` or `name[:threshold]`. */
export interface RouteRule {
  readonly type?: string;
  readonly name: string;
  readonly threshold?: Threshold;
}

const MAX_RULES = 50;
const ENTRY = /^(?:([a-z0-9-]{1,64})\.)?([a-z0-9-]{1,64})(?::([a-z-]{1,20}))?$/;

/** Parses a label value; malformed entries are skipped (labels are untrusted, never fatal). */
export function parseRouteRules(label: string | undefined): RouteRule[] {
  if (!label) return [];
  const rules: RouteRule[] = [];
  for (const raw of label.slice(0, 4096).split(',').slice(0, MAX_RULES)) {
    const match = ENTRY.exec(raw.trim().toLowerCase());
    if (!match) continue;
    const [, type, name, threshold] = match;
    if (threshold !== undefined && !isThreshold(threshold)) continue;
    rules.push({ ...(type ? { type } : {}), name: name as string, ...(threshold ? { threshold: threshold as Threshold } : {}) });
  }
  return rules;
}

export function ruleMatches(rule: RouteRule, trigger: { type: string; name: string }): boolean {
  return rule.name === trigger.name && (rule.type === undefined || rule.type === trigger.type);
}

/**
 * Whether a container routes to a trigger, and with which threshold: excluded → null; an include
 * list that does not name the trigger → null; otherwise the include's threshold or the trigger's own.
 */
export function routeThreshold(
  labels: { include?: string; exclude?: string },
  trigger: { type: string; name: string; threshold: Threshold },
): Threshold | null {
  const excludes = parseRouteRules(labels.exclude);
  if (excludes.some((rule) => ruleMatches(rule, trigger) && rule.threshold === undefined)) return null;
  const includes = parseRouteRules(labels.include);
  let threshold = trigger.threshold;
  if (labels.include !== undefined && labels.include.trim() !== '') {
    const rule = includes.find((candidate) => ruleMatches(candidate, trigger));
    if (!rule) return null;
    threshold = rule.threshold ?? threshold;
  }
  return threshold;
}

/** An exclude with a threshold removes only the updates that threshold would pass (e.g. `ntfy.phone:digest-only`). */
export function excludedByThreshold(exclude: string | undefined, trigger: { type: string; name: string }): Threshold[] {
  return parseRouteRules(exclude)
    .filter((rule) => ruleMatches(rule, trigger) && rule.threshold !== undefined)
    .map((rule) => rule.threshold as Threshold);
}
