/** Renders the endpoint table of docs/api.md from the served OpenAPI document. */
export const API_START_MARKER = '<!-- generated:endpoints:start (scripts/gen-api-docs.ts) -->';
export const API_END_MARKER = '<!-- generated:endpoints:end -->';

export type OpenApiDocument = { paths: Record<string, Record<string, OpenApiOperation>> };

export interface OpenApiOperation {
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean }[];
  responses?: Record<string, { description?: string }>;
}

export function renderEndpointTables(document: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const tag = operation.tags?.[0] ?? 'other';
      const query = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => `\`${p.name}\``).join(', ');
      const header = (operation.parameters ?? []).some((p) => p.in === 'header') ? ' (needs `X-DD-Confirm-Action`)' : '';
      const statuses = Object.keys(operation.responses ?? {}).join(', ');
      const row = `| \`${method.toUpperCase()} ${path}\` | ${(operation.summary ?? '').replace(/\|/g, '\\|')}${header} | ${query} | ${statuses} |`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), row]);
    }
  }
  return [...byTag.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([tag, rows]) => [`### ${tag}`, '', '| Endpoint | What it does | Query | Statuses |', '| --- | --- | --- | --- |', ...rows].join('\n'))
    .join('\n\n');
}

export function replaceEndpointSection(markdown: string, document: OpenApiDocument): string {
  const start = markdown.indexOf(API_START_MARKER);
  const end = markdown.indexOf(API_END_MARKER);
  if (start < 0 || end < start) throw new Error('docs/api.md lacks the generated-section markers');
  return `${markdown.slice(0, start + API_START_MARKER.length)}\n\n${renderEndpointTables(document)}\n\n${markdown.slice(end)}`;
}
