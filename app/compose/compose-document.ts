import { Document } from 'yaml';
import { PlaceholderNames, serviceNameOf } from './compose-values.ts';
import { buildService } from './service-builder.ts';
import type { ExportOptions, ExportResult, ServiceInput } from './types.ts';

/** Sensitive variables that went out with their real values (sanitizing off), for the audit. */
export interface RevealedSecrets {
  readonly containerId: string;
  readonly containerName: string;
  readonly keys: string[];
}

export interface ComposeExport {
  readonly result: ExportResult;
  readonly revealed: RevealedSecrets[];
}

/**
 * A Compose file (and its .env of placeholders) from one or more containers. Pure: the exporter
 * gathers the inspect data, this turns it into text. `stackName` names a batch export's project.
 */
export function buildComposeExport(inputs: readonly ServiceInput[], options: ExportOptions, stackName?: string, extraWarnings: readonly string[] = []): ComposeExport {
  const serviceNames = uniqueServiceNames(inputs);
  const servicesById = new Map(inputs.map((input, index) => [input.inspect.Id, serviceNames[index] ?? 'service']));
  const names = new PlaceholderNames();
  const warnings = [...extraWarnings];
  const services: Record<string, unknown> = {};
  const networks: Record<string, Record<string, unknown>> = {};
  const volumes: Record<string, Record<string, unknown>> = {};
  const placeholders: string[] = [];
  const revealed: RevealedSecrets[] = [];

  inputs.forEach((input, index) => {
    const built = buildService(input, serviceNames[index] ?? 'service', options, names, servicesById);
    services[built.name] = built.service;
    for (const [key, definition] of Object.entries(built.networks)) {
      // Two services on one network: keep the definition that carries subnets (a static IP needs them).
      if (!networks[key] || definition.ipam) networks[key] = definition;
    }
    Object.assign(volumes, built.volumes);
    placeholders.push(...built.placeholders);
    warnings.push(...built.warnings);
    if (built.revealedKeys.length > 0) revealed.push({ containerId: input.inspect.Id, containerName: input.inspect.Name.replace(/^\//, ''), keys: built.revealedKeys });
  });

  const base = stackName ?? serviceNames[0] ?? 'service';
  const filename = `${base}-compose.yaml`;
  const envFilename = `${base}.env`;
  const top: Record<string, unknown> = {};
  if (stackName) top.name = stackName;
  top.services = services;
  if (Object.keys(networks).length > 0) top.networks = networks;
  if (Object.keys(volumes).length > 0) top.volumes = volumes;

  // YAML 1.1 quoting keeps values such as `22:22`, `yes` or `0777` strings for every Compose parser;
  // no anchors, no folded lines: the file stays plain to read and to edit.
  const document = new Document(top, { version: '1.1', aliasDuplicateObjects: false });
  const header = ['Docker Compose file exported by dockdeck.'];
  if (placeholders.length > 0) {
    header.push(`Secret values are not in this file: fill them in ${envFilename}, then run`, `  docker compose --env-file ${envFilename} -f ${filename} up -d`);
  }
  document.commentBefore = header.map((line) => ` ${line}`).join('\n');
  const content = document.toString({ lineWidth: 0 });
  const envContent = [...new Set(placeholders)].map((name) => `${name}=\n`).join('');
  return {
    result: { format: 'docker-compose', content, filename, warnings, env_content: envContent, env_filename: envFilename },
    revealed,
  };
}

/** Service keys from container names, made unique (two engines may both run a `web`). */
function uniqueServiceNames(inputs: readonly ServiceInput[]): string[] {
  const used = new Set<string>();
  return inputs.map((input) => {
    const base = serviceNameOf(input.inspect.Name);
    let name = base;
    for (let suffix = 2; used.has(name); suffix++) name = `${base}-${suffix}`;
    used.add(name);
    return name;
  });
}
