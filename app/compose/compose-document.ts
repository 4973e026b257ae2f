import { composeYaml } from './compose-yaml.ts';
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
  // No `name:` and no `version:` at the top: docker-compose 1.x refuses `name` (the project name
  // goes on the command line, `-p`), and the Compose specification calls `version` obsolete.
  const top: Record<string, unknown> = { services };
  if (Object.keys(networks).length > 0) top.networks = networks;
  if (Object.keys(volumes).length > 0) top.volumes = volumes;
  const content = composeYaml(top, headerOf(filename, envFilename, placeholders.length > 0, stackName));
  const envContent = [...new Set(placeholders)].map((name) => `${name}=\n`).join('');
  return {
    result: { format: 'docker-compose', content, filename, warnings, env_content: envContent, env_filename: envFilename },
    revealed,
  };
}

/** The file's header: how to run it (project name of a stack, the .env file when there are secrets). */
function headerOf(filename: string, envFilename: string, hasPlaceholders: boolean, stackName: string | undefined): string[] {
  const command = ['docker compose', ...(stackName ? [`-p ${stackName}`] : []), ...(hasPlaceholders ? [`--env-file ${envFilename}`] : []), `-f ${filename} up -d`].join(' ');
  const header = ['Docker Compose file exported by dockdeck.'];
  if (hasPlaceholders) header.push(`Secret values are not in this file: fill them in ${envFilename}, then run`);
  else if (stackName) header.push(`Run it as the project '${stackName}':`);
  else return header;
  header.push(`  ${command}`);
  return header;
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
