import { describe, expect, it } from '@jest/globals';
import { FakeClock } from '../clock/testing/fake-clock.ts';
import { containerIdentity, type Container } from '../core/container.ts';
import type { UpdatePolicyRecord } from '../core/policy.ts';
import { applyPolicy } from '../core/update-available.ts';
import { EventBus } from '../events/bus.ts';
import { PolicyRefresher } from './policy-refresh.ts';
import { MemoryStore, silentLogger } from './testing/fakes.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function candidate(name: string, overrides: Partial<Container> = {}): Container {
  return {
    id: `id-${name}`, name, watcher: 'local', status: 'running', displayName: name, displayIcon: 'mdi:docker', labels: {}, watched: true,
    image: {
      id: 'sha256:1', registry: { name: 'custom', url: 'http://127.0.0.1:5000/v2' }, name: 'app', tag: { value: '1.0.0', semver: true },
      digest: { watch: false, repoDigests: [] }, architecture: 'amd64', os: 'linux',
    },
    result: { tag: '1.1.0' },
    updateKind: { kind: 'minor', localValue: '1.0.0', remoteValue: '1.1.0' },
    updateAvailable: true,
    checkStatus: 'ok',
    ...overrides,
  };
}

/** A store holding the containers with their policies applied as of the clock's time, as the watcher writes them. */
function setup(entries: Array<{ container: Container; policy?: UpdatePolicyRecord }>, clock = new FakeClock()) {
  const store = new MemoryStore();
  for (const { container, policy } of entries) {
    if (policy) store.data.policies[containerIdentity(container)] = { ...policy };
    store.data.containers.push(applyPolicy(container, policy as Record<string, unknown> | undefined, new Date(clock.now())));
  }
  const bus = new EventBus();
  const updates: Array<{ name: string; updateAvailable: boolean; before: boolean | undefined }> = [];
  bus.on('container-updated', ({ container, previous }) => updates.push({ name: container.name, updateAvailable: container.updateAvailable, before: previous?.updateAvailable }));
  const refresher = new PolicyRefresher({ store, bus, logger: silentLogger, clock });
  const stored = (name: string) => store.data.containers.find((entry) => entry.name === name)!;
  return { store, bus, clock, refresher, updates, stored };
}

describe('PolicyRefresher', () => {
  it('shows the update again the moment a snooze ends and emits container-updated once', () => {
    const clock = new FakeClock();
    const until = new Date(clock.now() + 2 * HOUR).toISOString();
    const { refresher, updates, stored } = setup([{ container: candidate('web'), policy: { snoozeUntil: until } }], clock);
    expect(refresher.start()).toBe(0);
    expect(stored('web').updateAvailable).toBe(false);
    expect(refresher.nextRefreshAt?.toISOString()).toBe(until);

    clock.advance(2 * HOUR - 1);
    expect(stored('web').updateAvailable).toBe(false);
    expect(updates).toEqual([]);
    clock.advance(1);
    expect(stored('web').updateAvailable).toBe(true);
    expect(updates).toEqual([{ name: 'web', updateAvailable: true, before: false }]);
    // Nothing else will change by itself: no timer left.
    expect(refresher.nextRefreshAt).toBeUndefined();
    expect(clock.pendingTimers).toBe(0);
  });

  it('shows the update once the candidate reaches the minimum age of the maturity policy', () => {
    const clock = new FakeClock();
    const created = new Date(clock.now() - DAY).toISOString();
    const { refresher, updates, stored } = setup([{ container: candidate('db', { result: { tag: '1.1.0', created } }), policy: { maturityMode: 'mature', maturityMinAgeDays: 3 } }], clock);
    refresher.start();
    expect(stored('db').updateAvailable).toBe(false);
    expect(refresher.nextRefreshAt?.getTime()).toBe(Date.parse(created) + 3 * DAY);
    clock.advance(2 * DAY - 1);
    expect(stored('db').updateAvailable).toBe(false);
    clock.advance(1);
    expect(stored('db').updateAvailable).toBe(true);
    expect(updates).toEqual([{ name: 'db', updateAvailable: true, before: false }]);
  });

  it('corrects at start what changed while dockdeck was not running', () => {
    const clock = new FakeClock();
    // Written a day ago while snoozed; the snooze ended an hour ago.
    const earlier = new FakeClock(clock.now() - DAY);
    const { store, bus } = setup([{ container: candidate('web'), policy: { snoozeUntil: new Date(clock.now() - HOUR).toISOString() } }], earlier);
    expect(store.data.containers[0]?.updateAvailable).toBe(false);
    const seen: boolean[] = [];
    bus.on('container-updated', ({ container }) => seen.push(container.updateAvailable));
    const refresher = new PolicyRefresher({ store, bus, logger: silentLogger, clock });
    expect(refresher.start()).toBe(1);
    expect(store.data.containers[0]?.updateAvailable).toBe(true);
    expect(seen).toEqual([true]);
  });

  it('keeps one timer for many containers, at the earliest deadline, and moves it when a sooner one is written', () => {
    const clock = new FakeClock();
    const entries = Array.from({ length: 50 }, (_, index) => ({
      container: candidate(`c${index}`),
      policy: { snoozeUntil: new Date(clock.now() + (index + 10) * HOUR).toISOString() },
    }));
    const { store, bus, refresher, stored } = setup(entries, clock);
    refresher.start();
    expect(clock.pendingTimers).toBe(1);
    expect(refresher.nextRefreshAt?.getTime()).toBe(clock.now() + 10 * HOUR);

    // A PATCH snoozes another container for one hour: the store gets the policy, the bus the container.
    const soon = candidate('soon');
    const policy = { snoozeUntil: new Date(clock.now() + HOUR).toISOString() };
    store.data.policies[containerIdentity(soon)] = policy;
    const written = applyPolicy(soon, policy as Record<string, unknown>, new Date(clock.now()));
    store.data.containers.push(written);
    bus.emit('container-added', { container: written });
    expect(clock.pendingTimers).toBe(1);
    expect(refresher.nextRefreshAt?.getTime()).toBe(clock.now() + HOUR);

    clock.advance(HOUR);
    expect(stored('soon').updateAvailable).toBe(true);
    expect(stored('c0').updateAvailable).toBe(false);
    expect(refresher.nextRefreshAt?.getTime()).toBe(clock.now() + 9 * HOUR);
    clock.advance(9 * HOUR);
    expect(stored('c0').updateAvailable).toBe(true);
    expect(stored('c1').updateAvailable).toBe(false);
    expect(clock.pendingTimers).toBe(1);
  });

  it('sleeps in bounded steps through a snooze of years and neither fires early nor late', () => {
    const clock = new FakeClock();
    const until = clock.now() + 3 * 365 * DAY;
    const { refresher, stored } = setup([{ container: candidate('web'), policy: { snoozeUntil: new Date(until).toISOString() } }], clock);
    refresher.start();
    clock.advance(3 * 365 * DAY - 1);
    expect(stored('web').updateAvailable).toBe(false);
    expect(refresher.nextRefreshAt?.getTime()).toBe(until);
    clock.advance(1);
    expect(stored('web').updateAvailable).toBe(true);
  });

  it('leaves skipped versions and up-to-date containers alone, and stops listening when stopped', () => {
    const clock = new FakeClock();
    const { store, bus, refresher, updates } = setup(
      [
        { container: candidate('skipped'), policy: { skipTags: ['1.1.0'], snoozeUntil: new Date(clock.now() + HOUR).toISOString() } },
        { container: candidate('current', { updateKind: null, updateAvailable: false }), policy: { snoozeUntil: new Date(clock.now() + HOUR).toISOString() } },
      ],
      clock,
    );
    refresher.start();
    clock.advance(2 * HOUR);
    // The snooze ended but the tag is still skipped: no change, no event.
    expect(store.data.containers.map((entry) => entry.updateAvailable)).toEqual([false, false]);
    expect(updates).toEqual([]);

    refresher.stop();
    const later = candidate('later');
    store.data.policies[containerIdentity(later)] = { snoozeUntil: new Date(clock.now() + HOUR).toISOString() };
    bus.emit('container-added', { container: later });
    expect(clock.pendingTimers).toBe(0);
  });
});
