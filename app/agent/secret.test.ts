import { agentAuthorization } from '../engine/engine-connection.ts';
import { isAuthorized } from './secret.ts';

const SECRET = 'correct horse battery staple';

describe('agent secret check', () => {
  it('accepts the exact secret as a Bearer token', () => {
    expect(isAuthorized(agentAuthorization(SECRET), SECRET)).toBe(true);
  });

  it('refuses a missing, empty, wrong, longer, shorter or differently framed secret', () => {
    expect(isAuthorized(undefined, SECRET)).toBe(false);
    expect(isAuthorized('', SECRET)).toBe(false);
    expect(isAuthorized('Bearer ', SECRET)).toBe(false);
    expect(isAuthorized('Bearer wrong', SECRET)).toBe(false);
    expect(isAuthorized(`Bearer ${SECRET}x`, SECRET)).toBe(false);
    expect(isAuthorized(`Bearer ${SECRET.slice(0, -1)}`, SECRET)).toBe(false);
    expect(isAuthorized(`Bearer ${SECRET.toUpperCase()}`, SECRET)).toBe(false);
    expect(isAuthorized(SECRET, SECRET)).toBe(false);
    expect(isAuthorized(`Basic ${SECRET}`, SECRET)).toBe(false);
    expect(isAuthorized(['Bearer a', `Bearer ${SECRET}`], SECRET)).toBe(false);
  });
});
