import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { ConfigError } from '../config/config-error.ts';
import type { RawGroup } from '../config/groups.ts';
import { providerDefinitions } from './providers.ts';
import { sampleContainer } from './testing/sample-container.ts';
import { buildTriggers, shouldFire } from './trigger.ts';

const environment = { logger: pino({ level: 'silent' }), fetch: globalThis.fetch, timeoutMs: 1000 };
const group = (name: string, values: Record<string, string>): RawGroup => {
  const [type = '', own = ''] = name.split('.');
  return { kind: 'trigger', name, prefix: `DD_TRIGGER_${type.toUpperCase()}_${own.toUpperCase()}_`, values: new Map(Object.entries(values)) };
};
const build = (...groups: RawGroup[]) => buildTriggers(groups, providerDefinitions, environment);

describe('buildTriggers', () => {
  it('applies defaults and sorts by ORDER', () => {
    const { triggers, warnings } = build(group('ntfy.b', { topic: 't' }), group('ntfy.a', { topic: 't', order: '200' }), group('ntfy.c', { topic: 't', order: '5', bogus: 'x' }));
    expect(triggers.map((t) => t.id)).toEqual(['ntfy.c', 'ntfy.b', 'ntfy.a']);
    expect(triggers[1]).toMatchObject({ threshold: 'all', mode: 'simple', once: true, auto: true, order: 100 });
    expect(warnings).toEqual(['DD_TRIGGER_NTFY_C_BOGUS is not a known setting of the ntfy trigger; ignored']);
  });

  it('names the variable on invalid values, missing keys and unknown types', () => {
    expect(() => build(group('ntfy.x', { topic: 't', threshold: 'huge' }))).toThrow(/DD_TRIGGER_NTFY_X_THRESHOLD/);
    expect(() => build(group('ntfy.x', { topic: 't', priority: '9' }))).toThrow(/DD_TRIGGER_NTFY_X_PRIORITY/);
    expect(() => build(group('ntfy.x', {}))).toThrow(/DD_TRIGGER_NTFY_X_TOPIC/);
    expect(() => build(group('fax.x', { number: '1' }))).toThrow(ConfigError);
  });

  it('never echoes secrets in errors or configuration', () => {
    const { triggers } = build(group('ntfy.x', { topic: 't', user: 'u', password: 'hunter2' }));
    expect(JSON.stringify(triggers[0]!.configuration)).not.toContain('hunter2');
    expect(() => build(group('gotify.x', { url: 'http://127.0.0.1', token: 'tok', priority: 'loud' }))).toThrow(/PRIORITY/);
  });

  it('fires only for available updates over the threshold, honouring the labels', () => {
    const [major] = build(group('ntfy.phone', { topic: 't', threshold: 'major' })).triggers;
    const [all] = build(group('ntfy.all', { topic: 't' })).triggers;
    expect(shouldFire(major!, sampleContainer())).toBe(false);
    expect(shouldFire(major!, sampleContainer({ kind: 'major', to: '2.0.0' }))).toBe(true);
    expect(shouldFire(all!, sampleContainer({ updateAvailable: false }))).toBe(false);
    expect(shouldFire(all!, sampleContainer({ triggerExclude: 'ntfy.all' }))).toBe(false);
    expect(shouldFire(all!, sampleContainer({ triggerInclude: 'all:major' }))).toBe(false);
    expect(shouldFire(all!, sampleContainer({ triggerExclude: 'all:minor-only' }))).toBe(false);
    expect(shouldFire(all!, sampleContainer({ triggerExclude: 'all:major-only' }))).toBe(true);
  });
});
