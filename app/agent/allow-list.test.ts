import { ALLOWED_ENDPOINTS, matchAllowed } from './allow-list.ts';

const allowed = (method: string, target: string) => matchAllowed(method, target).allowed;

describe('agent allow-list', () => {
  it('allows the calls dockdeck makes, with or without the API version prefix', () => {
    expect(matchAllowed('GET', '/v1.41/containers/json?all=true')).toEqual({ allowed: true, endpoint: 'container list' });
    expect(matchAllowed('GET', '/containers/abc123/json')).toEqual({ allowed: true, endpoint: 'container inspect' });
    expect(allowed('GET', '/v1.45/version')).toBe(true);
    expect(allowed('HEAD', '/_ping')).toBe(true);
    expect(allowed('GET', '/v1.41/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D')).toBe(true);
    expect(allowed('POST', '/v1.41/containers/create?name=web-1')).toBe(true);
    expect(allowed('POST', '/v1.41/containers/web-1/stop?t=10')).toBe(true);
    expect(allowed('POST', '/v1.41/containers/web-1/rename?name=web-1-dd-old')).toBe(true);
    expect(allowed('DELETE', '/v1.41/containers/web-1?force=true')).toBe(true);
    expect(allowed('GET', '/v1.41/containers/web-1/logs?follow=true&stdout=true')).toBe(true);
    expect(allowed('GET', '/v1.41/containers/web-1/stats?stream=false')).toBe(true);
    expect(allowed('POST', '/v1.41/images/create?fromImage=127.0.0.1%3A5000%2Fapp&tag=1.1.0')).toBe(true);
    expect(allowed('GET', '/v1.41/images/127.0.0.1:5000/team/app:1.1.0/json')).toBe(true);
    expect(allowed('GET', '/v1.41/images/app@sha256:0123abcd/json')).toBe(true);
    expect(allowed('DELETE', '/v1.41/images/sha256:0123abcd')).toBe(true);
    expect(allowed('POST', '/v1.41/networks/backend/connect')).toBe(true);
    expect(allowed('GET', '/v1.41/volumes/data')).toBe(true);
  });

  it('denies what dockdeck never needs', () => {
    for (const [method, target] of [
      ['POST', '/v1.41/containers/web-1/exec'],
      ['POST', '/exec/abc/start'],
      ['POST', '/v1.41/containers/web-1/attach?stream=1'],
      ['POST', '/build'],
      ['POST', '/v1.41/images/app/push'],
      ['GET', '/v1.41/images/app/get'],
      ['POST', '/images/load'],
      ['GET', '/swarm'],
      ['POST', '/swarm/init'],
      ['GET', '/secrets'],
      ['GET', '/plugins'],
      ['POST', '/containers/prune'],
      ['POST', '/system/prune'],
      ['PUT', '/containers/web-1/archive?path=/etc'],
      ['GET', '/containers/web-1/archive?path=/etc/shadow'],
      ['POST', '/networks/create'],
      ['DELETE', '/volumes/data'],
      ['POST', '/session'],
      ['GET', '/'],
    ] as const) {
      expect({ method, target, allowed: allowed(method, target) }).toEqual({ method, target, allowed: false });
    }
  });

  it('refuses path traversal and encodings the engine could read differently', () => {
    expect(allowed('POST', '/containers/../exec')).toBe(false);
    expect(allowed('POST', '/containers/web-1/../web-1/exec')).toBe(false);
    expect(allowed('GET', '/containers/./json')).toBe(false);
    expect(allowed('GET', '/v1.41/../build')).toBe(false);
    // json-ending image inspect that climbs out to another endpoint
    expect(allowed('GET', '/images/x/../../containers/web-1/archive/json')).toBe(false);
    expect(allowed('POST', '/containers/web-1%2F..%2Fexec/start')).toBe(false);
    expect(allowed('POST', '/containers/web-1%2fexec')).toBe(false);
    expect(allowed('GET', '/containers/%2e%2e/json')).toBe(false);
    expect(allowed('GET', '/containers//json')).toBe(false);
    expect(allowed('GET', '//containers/json')).toBe(false);
    expect(allowed('GET', '/containers\\..\\exec')).toBe(false);
    expect(allowed('GET', 'http://127.0.0.1:2375/containers/json')).toBe(false);
    expect(allowed('OPTIONS', '*')).toBe(false);
    expect(allowed('GET', `/containers/${'a'.repeat(5000)}/json`)).toBe(false);
  });

  it('reads only the path before the query string', () => {
    expect(allowed('GET', '/containers/web-1/json?x=/../exec')).toBe(true);
    expect(allowed('POST', '/containers/web-1/exec?then=/start')).toBe(false);
    expect(allowed('POST', '/containers/web-1/start?/exec')).toBe(true);
    // a `?` encoded into the path does not end it
    expect(allowed('POST', '/containers/web-1/exec%3F/start')).toBe(false);
  });

  it('allows only pulls through POST /images/create (no import from a URL or the body)', () => {
    expect(allowed('POST', '/images/create?fromImage=app&tag=1&platform=linux%2Famd64')).toBe(true);
    expect(allowed('POST', '/images/create?fromSrc=http%3A%2F%2F127.0.0.1%2Fevil.tar&repo=app')).toBe(false);
    expect(allowed('POST', '/images/create?fromSrc=-')).toBe(false);
    expect(allowed('POST', '/images/create?fromImage=app&changes=CMD%20sh')).toBe(false);
  });

  it('matches methods exactly (no case folding)', () => {
    expect(allowed('get', '/containers/json')).toBe(false);
    expect(allowed('Post', '/containers/web-1/start')).toBe(false);
    expect(allowed('POST', '/containers/json')).toBe(false);
    expect(allowed('PUT', '/containers/web-1/start')).toBe(false);
    expect(allowed('DELETE', '/containers/web-1/json')).toBe(false);
  });

  it('gives a reason for a denial', () => {
    expect(matchAllowed('POST', '/containers/web-1/exec')).toEqual({ allowed: false, reason: 'POST /containers/web-1/exec is not an endpoint dockdeck uses' });
    expect(ALLOWED_ENDPOINTS.every((rule) => rule.method === rule.method.toUpperCase())).toBe(true);
  });
});
