import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { sampleContainer } from '../../../app/triggers/testing/sample-container.ts';
import { startNtfyReceiver } from '../../bench/receivers/ntfy-receiver.ts';
import type { Receiver } from '../../bench/receivers/receiver.ts';
import { emitCycle, startService, tempStoreFolder, triggerGroup } from './trigger-helpers.ts';

describe('ntfy trigger against a strict local receiver', () => {
  let receiver: Receiver;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    receiver = await startNtfyReceiver({ token: 'tk_secret123' });
  });
  afterEach(async () => {
    while (cleanups.length > 0) await (cleanups.pop() as () => Promise<void>)();
    receiver.accepted.length = 0;
    receiver.rejected.length = 0;
  });
  afterAll(async () => {
    await receiver.close();
  });

  async function setup(values: Record<string, string>, options: { publicUrl?: string } = {}) {
    const temp = await tempStoreFolder();
    cleanups.push(temp.remove);
    const group = triggerGroup('ntfy', 'phone', { url: receiver.url, topic: 'dd-updates', token: 'tk_secret123', ...values });
    const started = await startService(temp.folder, [group], options);
    cleanups.push(started.stop);
    return { ...started, folder: temp.folder, group };
  }

  it('publishes exactly one well-formed message for 1.0.0 → 1.1.0, and nothing more after a second watch or a restart', async () => {
    const { bus, service, stop, folder, group } = await setup({}, { publicUrl: 'http://dockdeck.test:3000/' });
    const web = sampleContainer({ name: 'web' });
    emitCycle(bus, [web]);
    await service.idle();
    expect(receiver.rejected).toEqual([]);
    expect(receiver.accepted).toHaveLength(1);
    const body = JSON.parse(receiver.accepted[0]!.body) as Record<string, unknown>;
    expect(body).toEqual({
      topic: 'dd-updates',
      title: 'dockdeck: update for web on local',
      message: 'web (local): 1.0.0 → 1.1.0 (minor)\nhttps://example.test/releases/1.1.0',
      priority: 3,
      tags: ['whale'],
      click: 'https://example.test/releases/1.1.0',
      actions: [{ action: 'http', label: 'Update now', url: 'http://dockdeck.test:3000/api/v1/containers/id-web/update', method: 'POST', clear: true }],
    });

    emitCycle(bus, [web]);
    await service.idle();
    expect(receiver.accepted).toHaveLength(1);

    // Restart: a new service over the same store folder.
    await stop();
    const again = await startService(folder, [group]);
    cleanups.push(again.stop);
    emitCycle(again.bus, [{ ...web, id: 'id-web-recreated' }]);
    await again.service.idle();
    expect(receiver.accepted).toHaveLength(1);

    // A new candidate is news again.
    emitCycle(again.bus, [sampleContainer({ name: 'web', to: '2.0.0', kind: 'major' })]);
    await again.service.idle();
    expect(receiver.accepted).toHaveLength(2);
    expect((JSON.parse(receiver.accepted[1]!.body) as { priority: number }).priority).toBe(4);
  });

  it('sends nothing for a minor update with THRESHOLD=major, nor for containers without updateAvailable', async () => {
    const { bus, service } = await setup({ threshold: 'major' });
    emitCycle(bus, [sampleContainer({ name: 'web' }), sampleContainer({ name: 'db', kind: 'major', to: '2.0.0', updateAvailable: false })]);
    await service.idle();
    expect(receiver.accepted).toHaveLength(0);
    expect(receiver.rejected).toEqual([]);
    expect(service.outbox()).toHaveLength(0);
  });

  it('AUTO=false never fires on its own; ONCE=false sends again on every watch cycle (once per cycle)', async () => {
    const manual = await setup({ auto: 'false' });
    emitCycle(manual.bus, [sampleContainer({ name: 'web' })]);
    await manual.service.idle();
    expect(receiver.accepted).toHaveLength(0);

    const repeat = await setup({ once: 'false' });
    const web = sampleContainer({ name: 'web' });
    emitCycle(repeat.bus, [web]);
    emitCycle(repeat.bus, [web]);
    await repeat.service.idle();
    expect(receiver.rejected).toEqual([]);
    expect(receiver.accepted).toHaveLength(2);
  });

  it('ONCE=false: another watcher ending its cycle does not make a container of this watcher send twice', async () => {
    const { bus, service } = await setup({ once: 'false' });
    const onB = sampleContainer({ name: 'db', watcher: 'b' });
    const onA = sampleContainer({ name: 'web', watcher: 'a' });
    const cycle = (watcher: string, containers: typeof onA[]) =>
      bus.emit('watch-cycle-completed', { watcher, containers, startedAt: new Date().toISOString(), durationMs: 1, errors: 0 });
    // Watcher b reports its container mid-cycle; watcher a finishes first; then b finishes.
    bus.emit('container-updated', { container: onB });
    bus.emit('container-updated', { container: onA });
    cycle('a', [onA]);
    cycle('b', [onB]);
    await service.idle();
    expect(receiver.rejected).toEqual([]);
    const titles = receiver.accepted.map((request) => (JSON.parse(request.body) as { title: string }).title).sort();
    expect(titles).toEqual(['dockdeck: update for db on b', 'dockdeck: update for web on a']);
  });

  it('sends one message for three updated containers in batch mode', async () => {
    const { bus, service } = await setup({ mode: 'batch' });
    const containers = ['a', 'b', 'c'].map((name) => sampleContainer({ name }));
    emitCycle(bus, containers);
    await service.idle();
    expect(receiver.rejected).toEqual([]);
    expect(receiver.accepted).toHaveLength(1);
    const body = JSON.parse(receiver.accepted[0]!.body) as { title: string; message: string; click?: string };
    expect(body.title).toBe('dockdeck: 3 updates on local');
    expect(body.message.split('\n')).toEqual(['a (local): 1.0.0 → 1.1.0 (minor)', 'b (local): 1.0.0 → 1.1.0 (minor)', 'c (local): 1.0.0 → 1.1.0 (minor)']);
    expect(body.click).toBeUndefined();
  });

  it('keeps a long batch within ntfy\'s 4096-byte message limit even with multi-byte text', async () => {
    const { bus, service } = await setup({ mode: 'batch' });
    emitCycle(bus, Array.from({ length: 150 }, (_unused, index) => sampleContainer({ name: `svc-${index}` })));
    await service.idle();
    expect(receiver.rejected).toEqual([]);
    expect(receiver.accepted).toHaveLength(1);
    const message = (JSON.parse(receiver.accepted[0]!.body) as { message: string }).message;
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(4096);
    // Cut on a character boundary: no replacement character at the end.
    expect(message).not.toContain('\uFFFD');
    expect(message.startsWith('svc-0 (local): 1.0.0 → 1.1.0 (minor)\n')).toBe(true);
  });

  it('renders hostile labels and tags harmlessly', async () => {
    const { bus, service } = await setup({ simpletitle: '${name} ${constructor.constructor} ${__proto__} ${newTag}' });
    const hostile = "${constructor.constructor('return process')().exit(1)}";
    const huge = 'x'.repeat(100_000);
    emitCycle(bus, [
      sampleContainer({ name: 'evil', to: hostile, displayName: huge, labels: { 'dd.display.name': huge }, result: { tag: hostile, link: `https://example.test/${huge}` } }),
    ]);
    await service.idle();
    expect(receiver.rejected).toEqual([]);
    expect(receiver.accepted).toHaveLength(1);
    const body = JSON.parse(receiver.accepted[0]!.body) as { title: string; message: string };
    // The tag is printed as text, never evaluated; long values are cut.
    expect(body.title).toBe(`evil   ${hostile}`);
    expect(body.message).toContain(hostile);
    expect(body.message.length).toBeLessThan(1200);
    expect(receiver.accepted[0]!.body.length).toBeLessThan(4000);
  });

  it('delivers once to a receiver that fails twice, and the outbox shows the attempts', async () => {
    const { bus, service } = await setup({});
    receiver.failNext(2);
    emitCycle(bus, [sampleContainer({ name: 'flaky' })]);
    await service.idle();
    expect(receiver.accepted).toHaveLength(1);
    const [entry] = service.outbox();
    expect(entry).toMatchObject({ trigger: 'ntfy.phone', status: 'sent', containerIds: ['id-flaky'] });
    expect(entry!.attempts.map((attempt) => attempt.ok)).toEqual([false, false, true]);
    expect(entry!.attempts[0]!.error).toContain('503');
    expect(JSON.stringify(service.outbox())).not.toContain('tk_secret123');
  });

  it('keeps a delivery failed after the last attempt, and a retry sends it', async () => {
    const { bus, service } = await setup({});
    receiver.failNext(10);
    emitCycle(bus, [sampleContainer({ name: 'down' })]);
    await service.idle();
    const [entry] = service.outbox();
    expect(entry!.status).toBe('failed');
    expect(entry!.attempts).toHaveLength(4);
    receiver.failNext(0);
    service.retry(entry!.id);
    await service.idle();
    expect(service.outbox()[0]!.status).toBe('sent');
    expect(receiver.accepted).toHaveLength(1);
  });

  it('rejects wrong credentials at the receiver, so auth is really checked', async () => {
    const { bus, service } = await setup({ token: 'wrong' });
    emitCycle(bus, [sampleContainer({ name: 'web' })]);
    await service.idle();
    expect(receiver.accepted).toHaveLength(0);
    expect(receiver.rejected.map((r) => r.error)).toContain('unauthorized');
    expect(service.outbox()[0]!.status).toBe('failed');
  });
});
