import { CookieJar } from 'tough-cookie';

/** A browser without a screen: fetch with a cookie jar (tough-cookie, RFC 6265) and redirects followed by hand. */
export class CookieClient {
  readonly jar = new CookieJar();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = await this.jar.getCookieString(url);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) await this.jar.setCookie(line, url, { ignoreError: true });
    return response;
  }

  /**
   * GETs url and follows redirects (at most 20) until one leads to a URL that `stop` accepts, or
   * an answer that is not a redirect. Returns the last response and every URL visited.
   */
  async follow(url: string, stop: (next: string) => boolean = () => false): Promise<{ response: Response; url: string; visited: string[] }> {
    const visited = [url];
    let current = url;
    for (let hop = 0; hop < 20; hop++) {
      const response = await this.fetch(current, { headers: { accept: 'text/html' } });
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { response, url: current, visited };
      await response.body?.cancel();
      const next = new URL(location, current).href;
      visited.push(next);
      if (stop(next)) return { response, url: next, visited };
      current = next;
    }
    throw new Error(`too many redirects: ${visited.join(' → ')}`);
  }

  async cookie(url: string, name: string): Promise<string | undefined> {
    return (await this.jar.getCookies(url)).find((cookie) => cookie.key === name)?.value;
  }

  async cookieAttributes(url: string, name: string) {
    return (await this.jar.getCookies(url)).find((cookie) => cookie.key === name);
  }
}
