/**
 * A logic-less template language for labels and notification texts: `${path.to.value}` is
 * replaced by the value at that path in the variables; nothing else is interpreted. No eval, no
 * function calls, no expressions: an unknown or non-plain path renders empty. Output is capped.
 */
export const MAX_TEMPLATE_LENGTH = 4096;
export const MAX_OUTPUT_LENGTH = 8192;
const MAX_PATH_LENGTH = 100;
const PLACEHOLDER = /\$\{([^{}]{0,200})\}/g;
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

export type TemplateVariables = Readonly<Record<string, unknown>>;

export function renderTemplate(template: string, variables: TemplateVariables, maxLength = MAX_OUTPUT_LENGTH): string {
  const source = template.length > MAX_TEMPLATE_LENGTH ? template.slice(0, MAX_TEMPLATE_LENGTH) : template;
  const output = source.replace(PLACEHOLDER, (_match, expression: string) => stringify(resolvePath(variables, expression.trim())));
  return output.length > maxLength ? `${output.slice(0, maxLength - 1)}…` : output;
}

function resolvePath(variables: TemplateVariables, path: string): unknown {
  if (path.length > MAX_PATH_LENGTH || !PATH.test(path)) return undefined;
  let current: unknown = variables;
  for (const segment of path.split('.')) {
    if (FORBIDDEN_SEGMENTS.has(segment)) return undefined;
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}
