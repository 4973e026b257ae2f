import type { Container } from '../core/container.ts';
import { truncate } from '../core/errors.ts';
import { renderTemplate, type TemplateVariables } from '../core/template.ts';
import type { NotificationMessage } from './provider.ts';

/** Each variable coming from labels or registry data is cut to this, so a 100 KB tag stays small. */
const MAX_VARIABLE_LENGTH = 256;
const MAX_BATCH_BODY_LENGTH = 16_384;

export const DEFAULT_TEMPLATES = {
  simpletitle: 'dockdeck: update for ${name} on ${host}',
  simplebody: '${name} (${host}): ${currentValue} → ${newValue} (${kind})${linkLine}',
  batchtitle: 'dockdeck: ${count} updates on ${hosts}',
  batchbody: '${name} (${host}): ${currentValue} → ${newValue} (${kind})',
} as const;

export interface Templates {
  readonly simpletitle: string;
  readonly simplebody: string;
  readonly batchtitle: string;
  /** Rendered once per container; the lines are joined with newlines. */
  readonly batchbody: string;
}

const cut = (value: string | undefined) => (value === undefined ? '' : truncate(value, MAX_VARIABLE_LENGTH));

/** `sha256:0123456789ab` for digests, the value itself for tags. */
export function shortValue(value: string): string {
  return /^sha256:[0-9a-f]{12,}$/i.test(value) ? value.slice(0, 19) : value;
}

/** A link worth printing or clicking: http(s) and not absurdly long (a cut URL would be wrong). */
export function usableLink(link: string | undefined): string | undefined {
  return link && link.length <= 1024 && /^https?:\/\/\S+$/.test(link) ? link : undefined;
}

/** Where a container runs, as people name it: the watcher, prefixed by the agent when remote. */
export function hostOf(container: Pick<Container, 'agent' | 'watcher'>): string {
  return container.agent ? `${container.agent}/${container.watcher}` : container.watcher;
}

/**
 * The documented variables of one container (SIMPLETITLE, SIMPLEBODY and BATCHBODY):
 * id, name, displayName, watcher, agent, host, image, kind, currentValue, newValue, currentTag,
 * newTag, newDigest, link, linkLine (newline + link, or empty).
 */
export function containerVariables(container: Container): Record<string, string> {
  const update = container.updateKind;
  const link = usableLink(container.result?.link) ?? '';
  return {
    id: container.id,
    name: cut(container.name),
    displayName: cut(container.displayName || container.name),
    watcher: cut(container.watcher),
    agent: cut(container.agent),
    host: cut(hostOf(container)),
    image: cut(`${container.image.registry.name ? `${container.image.registry.name}/` : ''}${container.image.name}`),
    kind: update?.kind ?? 'unknown',
    currentValue: cut(shortValue(update?.localValue ?? container.image.tag.value)),
    newValue: cut(shortValue(update?.remoteValue ?? container.result?.tag ?? '')),
    currentTag: cut(container.image.tag.value),
    newTag: cut(container.result?.tag),
    newDigest: cut(container.result?.digest),
    link,
    linkLine: link ? `\n${link}` : '',
  };
}

/** BATCHTITLE variables: count and hosts (distinct hosts, comma separated). */
export function batchVariables(containers: readonly Container[]): TemplateVariables {
  const hosts = [...new Set(containers.map(hostOf))].slice(0, 10).map(cut).join(', ');
  return { count: String(containers.length), hosts, host: hosts };
}

export function renderSimple(templates: Templates, container: Container): NotificationMessage {
  const variables = containerVariables(container);
  return { title: oneLine(renderTemplate(templates.simpletitle, variables, 256)), body: renderTemplate(templates.simplebody, variables) };
}

export function renderBatch(templates: Templates, containers: readonly Container[]): NotificationMessage {
  const title = oneLine(renderTemplate(templates.batchtitle, batchVariables(containers), 256));
  const lines = containers.map((container) => renderTemplate(templates.batchbody, containerVariables(container), 1024));
  return { title, body: truncate(lines.join('\n'), MAX_BATCH_BODY_LENGTH) };
}

/** Titles go into headers and subjects: no line breaks. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
