import { agentSettings, authBasicSettings, authOidcSettings, registrySettings, watcherSettings } from './groups.ts';
import type { SettingTable } from './setting.ts';
import { agentModeSettings, globalSettings } from './settings.ts';

export interface DocumentedVariable {
  readonly name: string;
  readonly expected: string;
  readonly defaultValue: string;
  readonly description: string;
}

export interface DocumentedSection {
  readonly title: string;
  readonly variables: readonly DocumentedVariable[];
}

/** Extra tables (trigger providers, …) register here so the reference stays complete. */
const extraSections: { title: string; prefix: string; table: SettingTable }[] = [];

export function registerDocumentedTable(title: string, prefix: string, table: SettingTable): void {
  if (!extraSections.some((section) => section.title === title)) extraSections.push({ title, prefix, table });
}

function rows(prefix: string, table: SettingTable): DocumentedVariable[] {
  return Object.entries(table).map(([key, setting]) => ({
    name: `${prefix}${key.toUpperCase()}`,
    expected: setting.expected,
    defaultValue: setting.defaultValue === undefined ? '' : String(setting.defaultValue),
    description: setting.description,
  }));
}

/** Every variable the code reads, grouped as the configuration reference shows them. */
export function describeConfiguration(): DocumentedSection[] {
  return [
    { title: 'Server, store, logs', variables: rows('', globalSettings).map((row) => ({ ...row, name: row.name.toUpperCase() })) },
    { title: 'Watchers (Docker engines)', variables: rows('DD_WATCHER_{NAME}_', watcherSettings) },
    { title: 'Agents (on the controller)', variables: rows('DD_AGENT_{NAME}_', agentSettings) },
    { title: 'Agent mode (`dockdeck agent`, on the agent host)', variables: rows('', agentModeSettings) },
    { title: 'Registries', variables: rows('DD_REGISTRY_{PROVIDER}_{NAME}_', registrySettings) },
    { title: 'Authentication', variables: [...rows('DD_AUTH_BASIC_{NAME}_', authBasicSettings), ...rows('DD_AUTH_OIDC_{NAME}_', authOidcSettings)] },
    ...extraSections.map((section) => ({ title: section.title, variables: rows(section.prefix, section.table) })),
  ];
}

export function renderConfigurationTables(): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  return describeConfiguration()
    .map((section) => {
      const lines = [`### ${section.title}`, '', '| Variable | Expected | Default | Description |', '| --- | --- | --- | --- |'];
      for (const v of section.variables) {
        lines.push(`| \`${v.name}\` | ${escape(v.expected)} | ${v.defaultValue ? `\`${escape(v.defaultValue)}\`` : ''} | ${escape(v.description)} |`);
      }
      return lines.join('\n');
    })
    .join('\n\n');
}
