import { renderConfigurationTables } from '../app/config/describe.ts';

export const START_MARKER = '<!-- generated:variables:start (scripts/gen-config-docs.ts) -->';
export const END_MARKER = '<!-- generated:variables:end -->';

/** Loads every module that registers documented tables, then renders them into the marked section. */
export async function replaceGeneratedSection(document: string): Promise<string> {
  await loadDocumentedModules();
  const start = document.indexOf(START_MARKER);
  const end = document.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error('docs/configuration.md lacks the generated-section markers');
  return `${document.slice(0, start + START_MARKER.length)}\n\n${renderConfigurationTables()}\n\n${document.slice(end)}`;
}

/** Modules whose tables join the reference (trigger providers register theirs on import). */
async function loadDocumentedModules(): Promise<void> {
  // Trigger providers register their tables when this module loads.
  await import('../app/triggers/documented.ts');
}
