import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A release as GitHub's REST API returns it (the fields dockdeck reads, and some it ignores). */
export interface StandInRelease {
  readonly tag_name: string;
  readonly name?: string | null;
  readonly body?: string | null;
  readonly published_at?: string | null;
  readonly prerelease?: boolean;
}

export interface GitHubRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
}

export interface GitHubStandIn {
  readonly url: string;
  /** Requests answered as GitHub would (200 or 404). */
  readonly accepted: GitHubRequest[];
  /** Requests GitHub would refuse or that break the documented shape (a strict test asserts none). */
  readonly rejected: { request: GitHubRequest; error: string }[];
  publish(owner: string, repo: string, release: StandInRelease): void;
  /** The next request gets GitHub's primary rate-limit answer: 403, remaining 0, reset in `seconds`. */
  rateLimitNext(seconds: number): void;
  close(): Promise<void>;
}

// GET /repos/{owner}/{repo}/releases/tags/{tag}, the names as GitHub allows them.
const RELEASE_PATH = /^\/repos\/([A-Za-z0-9-]{1,39})\/([A-Za-z0-9._-]{1,100})\/releases\/tags\/([^/?#]{1,256})$/;

/**
 * A strict stand-in for api.github.com on 127.0.0.1: it answers only the release-by-tag path,
 * wants GitHub's media type, API version and a User-Agent, and the Bearer token when one is
 * configured (none at all otherwise), like the real API.
 */
export async function startGitHubStandIn(options: { token?: string } = {}): Promise<GitHubStandIn> {
  const releases = new Map<string, StandInRelease>();
  const accepted: GitHubRequest[] = [];
  const rejected: { request: GitHubRequest; error: string }[] = [];
  let limitFor: number | undefined;
  const problem = (request: GitHubRequest): string | undefined => {
    if (request.method !== 'GET') return `unexpected method ${request.method}`;
    if (!RELEASE_PATH.test(request.path)) return `unexpected path ${request.path}`;
    if (request.headers.accept !== 'application/vnd.github+json') return `wrong Accept '${request.headers.accept ?? ''}'`;
    if (request.headers['x-github-api-version'] !== '2022-11-28') return 'missing X-GitHub-Api-Version';
    if (!request.headers['user-agent']) return 'missing User-Agent (GitHub refuses such requests)';
    const expected = options.token ? `Bearer ${options.token}` : undefined;
    if (request.headers.authorization !== expected) return options.token ? 'wrong or missing Authorization' : 'unexpected Authorization';
    return undefined;
  };
  const server: Server = createServer((req, res) => {
    const request: GitHubRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers };
    req.resume();
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-limit': '5000', ...headers }).end(JSON.stringify(body));
    const error = problem(request);
    if (error) {
      rejected.push({ request, error });
      send(error.includes('Authorization') ? 401 : 400, { message: error });
      return;
    }
    if (limitFor !== undefined) {
      const reset = Math.floor(Date.now() / 1000) + limitFor;
      limitFor = undefined;
      accepted.push(request);
      send(403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
      return;
    }
    const [, owner = '', repo = '', rawTag = ''] = RELEASE_PATH.exec(request.path) ?? [];
    accepted.push(request);
    const release = releases.get(`${owner.toLowerCase()}/${repo.toLowerCase()}@${decodeURIComponent(rawTag)}`);
    if (!release) {
      send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/releases/releases#get-a-release-by-tag-name' });
      return;
    }
    send(200, {
      id: 1,
      url: `https://api.github.com/repos/${owner}/${repo}/releases/1`,
      html_url: `https://github.com/${owner}/${repo}/releases/tag/${release.tag_name}`,
      draft: false,
      prerelease: false,
      created_at: release.published_at ?? null,
      author: { login: 'octocat', id: 1 },
      assets: [],
      ...release,
    }, { 'x-ratelimit-remaining': '4999' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    rejected,
    publish(owner, repo, release) {
      releases.set(`${owner.toLowerCase()}/${repo.toLowerCase()}@${release.tag_name}`, release);
    },
    rateLimitNext(seconds) {
      limitFor = seconds;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
