import { isCrossOriginWrite } from './same-origin.ts';

const request = (method: string, headers: Record<string, string>, host = 'dockdeck.local:3000') => ({
  method,
  host,
  header: (name: string) => headers[name],
});

describe('isCrossOriginWrite', () => {
  it('lets reads, same-origin writes and non-browser clients through', () => {
    expect(isCrossOriginWrite(request('GET', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }))).toBe(false);
    expect(isCrossOriginWrite(request('POST', { 'sec-fetch-site': 'same-origin', origin: 'http://dockdeck.local:3000' }))).toBe(false);
    expect(isCrossOriginWrite(request('POST', {}))).toBe(false);
    expect(isCrossOriginWrite(request('DELETE', { origin: 'https://dd.example.test' }, 'internal:3000'), 'dd.example.test')).toBe(false);
  });

  it('refuses writes from another site or origin', () => {
    expect(isCrossOriginWrite(request('POST', { 'sec-fetch-site': 'cross-site' }))).toBe(true);
    expect(isCrossOriginWrite(request('PATCH', { 'sec-fetch-site': 'same-site' }))).toBe(true);
    expect(isCrossOriginWrite(request('POST', { origin: 'http://dockdeck.local:3001' }))).toBe(true);
    expect(isCrossOriginWrite(request('POST', { origin: 'null' }))).toBe(true);
  });
});
