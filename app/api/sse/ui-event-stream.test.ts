import { containerFixture } from '../../core/testing/container-fixture.ts';
import { EventBus } from '../../events/bus.ts';
import { forwardBusToChannel } from './ui-event-stream.ts';

const container = (id: string) => containerFixture(id, { name: id });

describe('forwardBusToChannel', () => {
  const published: Array<{ event: string; data: unknown }> = [];
  const bus = new EventBus();
  const channel = { publish: (event: string, data: unknown) => (published.push({ event, data }), { id: published.length, event, data }) };
  const stop = forwardBusToChannel(bus, channel);
  afterAll(stop);
  beforeEach(() => published.splice(0));

  it('sends a finished watch cycle as its figures, without the checked containers', () => {
    bus.emit('watch-cycle-completed', { watcher: 'local', containers: [container('a'), container('b')], startedAt: '2026-01-01T00:00:00.000Z', durationMs: 420, errors: 1 });
    expect(published).toEqual([
      { event: 'dd:watch-cycle-completed', data: { watcher: 'local', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 420, checked: 2, errors: 1 } },
    ]);
  });

  it('sends a notification delivery change as dd:notification-delivery-changed with its state only', () => {
    const change = { id: 'e1', trigger: 'ntfy.phone', status: 'failed' as const, attempts: 3, lastError: 'receiver answered 503' };
    bus.emit('notification-delivery-changed', change);
    expect(published).toEqual([{ event: 'dd:notification-delivery-changed', data: change }]);
  });

  it('drops `previous` from container-updated and stops forwarding once unsubscribed', () => {
    bus.emit('container-updated', { container: container('a'), previous: container('a') });
    expect(published).toHaveLength(1);
    expect(published[0]?.event).toBe('dd:container-updated');
    expect(Object.keys(published[0]?.data as object)).toEqual(['container']);
    stop();
    bus.emit('container-added', { container: container('c') });
    expect(published).toHaveLength(1);
  });
});
