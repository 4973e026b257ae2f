import { fetch as undiciFetch } from 'undici';
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../log.ts';
import { GitHubReleases } from './github-releases.ts';
import { ReleaseNotesService } from './release-notes-service.ts';
import type { ReleaseFetch } from './types.ts';

const fetchWithUndici: ReleaseFetch = async (url, init) => (await undiciFetch(url, init)) as unknown as Awaited<ReturnType<ReleaseFetch>>;

/** The release notes service from the validated configuration (composition root helper). */
export function createReleaseNotes(config: Config['releaseNotes'], logger: Logger): ReleaseNotesService {
  const github = new GitHubReleases({
    apiUrl: config.github.apiUrl,
    ...(config.github.token ? { token: config.github.token } : {}),
    fetch: fetchWithUndici,
  });
  return new ReleaseNotesService({ providers: [github], logger });
}
