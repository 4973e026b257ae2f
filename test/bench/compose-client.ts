import { DOCKER, docker, exec } from './exec.ts';

/**
 * A real Compose client for the export tests: Debian's docker-compose 1.29 (installed by
 * scripts/provision.sh), else the `docker compose` plugin. Under CI (or DD_REQUIRE_REAL_ENGINE=1,
 * which scripts/test.sh sets) a missing client is a failure, like a missing engine, never a skip.
 */
export interface ComposeClient {
  /** Program and leading arguments, e.g. ['/usr/bin/docker-compose']. */
  readonly command: readonly string[];
  /** `docker-compose version --short`, e.g. 1.29.2. */
  readonly version: string;
}

const CANDIDATES: ReadonlyArray<readonly string[]> = [['/usr/bin/docker-compose'], ['docker-compose'], [DOCKER, 'compose']];

export function composeRequired(): boolean {
  return process.env.CI === 'true' || process.env.DD_REQUIRE_REAL_ENGINE === '1';
}

/** The first client that answers; throws when none does and one is required. */
export async function findComposeClient(): Promise<ComposeClient | undefined> {
  for (const command of CANDIDATES) {
    try {
      const version = await exec(command[0]!, [...command.slice(1), 'version', '--short']);
      return { command, version };
    } catch {
      // not installed
    }
  }
  if (composeRequired()) throw new Error('No Compose client (docker-compose or docker compose) on this machine: run scripts/provision.sh');
  return undefined;
}

/** The files of one Compose project: `-p <project> -f <file> --env-file <env>` on every call. */
export interface ComposeProject {
  readonly project: string;
  readonly file: string;
  readonly envFile: string;
}

export function runCompose(client: ComposeClient, project: ComposeProject, ...args: string[]): Promise<string> {
  const [program, ...leading] = client.command;
  return exec(program!, [...leading, '-p', project.project, '-f', project.file, '--env-file', project.envFile, ...args]);
}

/**
 * `down` of the project, then whatever Compose left with its project label (a failed `up` may
 * leave a container behind). Never throws: it runs in afterAll.
 */
export async function removeComposeProject(client: ComposeClient | undefined, project: ComposeProject): Promise<void> {
  if (client) await runCompose(client, project, 'down', '--timeout', '2').catch(() => '');
  const filter = `label=com.docker.compose.project=${project.project}`;
  const containers = (await docker('ps', '-aq', '--filter', filter).catch(() => '')).split('\n').filter(Boolean);
  if (containers.length > 0) await docker('rm', '-f', ...containers).catch(() => '');
  const networks = (await docker('network', 'ls', '-q', '--filter', filter).catch(() => '')).split('\n').filter(Boolean);
  if (networks.length > 0) await docker('network', 'rm', ...networks).catch(() => '');
}
