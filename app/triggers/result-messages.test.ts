import { describe, expect, it } from '@jest/globals';
import { outcomeOf } from './operation-outcome.ts';
import { DEFAULT_RESULT_TEMPLATES, renderResult, resultVariables } from './result-messages.ts';
import { sampleContainer } from './testing/sample-container.ts';
import { sampleOperation } from './testing/sample-operation.ts';

const render = (operation: Record<string, unknown>, templates = DEFAULT_RESULT_TEMPLATES) => renderResult(templates, outcomeOf(operation)!);

describe('messages about what an update did', () => {
  it('tells each outcome in its default title and body', () => {
    expect(render(sampleOperation('succeeded'))).toEqual({ title: '✅ web updated 1.2.0 → 1.3.0', body: 'web updated 1.2.0 → 1.3.0 (local)' });
    expect(render(sampleOperation('rolled-back'))).toEqual({
      title: '⚠️ web: update to 1.3.0 failed, rolled back to 1.2.0',
      body: 'web: update to 1.3.0 failed, rolled back to 1.2.0 (local)\nReason: container exited (code 3)',
    });
    expect(render(sampleOperation('failed')).title).toBe('❌ web: update to 1.3.0 failed, still on 1.2.0');
    expect(render(sampleOperation('failed', { history: [{ phase: 'health-gate' }] })).title).toBe(
      '❌ web: update to 1.3.0 failed its health check, kept on 1.3.0 (automatic rollback is off)',
    );
    const rollbackFailed = render(sampleOperation('rollback-failed'));
    expect(rollbackFailed.title).toBe('🚨 web: rollback failed, service may be down');
    expect(rollbackFailed.body).toBe(
      'web: rollback failed, service may be down (local)\nReason: Rollback failed: engine said no (after: container exited)\n' +
        'dockdeck retries the rollback by itself; to retry now: POST /api/v1/containers/old-id/rollback',
    );
    expect(render(sampleOperation('gave-up')).body).toContain('dockdeck no longer retries by itself: fix the cause, then POST /api/v1/containers/old-id/rollback');
    const gone = sampleOperation('gave-up', { rollbackRecovery: { attempts: 1, automaticAttempts: 1, gaveUpAt: '2026-01-01T11:00:00.000Z', gaveUpReason: 'old-container-gone' } });
    expect(render(gone).body).toContain('The old container is gone: restore it from a backup');
    expect(render(sampleOperation('recovered'))).toEqual({ title: '✅ web: rollback completed on retry, back on 1.2.0', body: 'web: rollback completed on retry, back on 1.2.0 (local)' });
    expect(render(sampleOperation('succeeded', { kind: 'rollback', fromVersion: '1.3.0', toVersion: '1.2.0' })).title).toBe('↩️ web rolled back 1.3.0 → 1.2.0');
  });

  it('renders overrides with the documented variables, digests shortened', () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    const templates = {
      resulttitle: '[${event}/${outcome}] ${name}@${host}',
      resultbody: '${operationKind} ${operationId}: ${fromVersion} -> ${toVersion} (${image}) ${reason} at ${at} id=${id}',
    };
    const message = render(sampleOperation('rolled-back', { toVersion: digest, identity: 'edge::local::web' }), templates);
    expect(message.title).toBe('[update-failed/rolled-back] web@edge/local');
    expect(message.body).toBe('update op-1: 1.2.0 -> sha256:cccccccccccc (127.0.0.1:5000/app:1.3.0) container exited (code 3) at 2026-01-01T10:01:00.000Z id=old-id');
    const variables = resultVariables(outcomeOf(sampleOperation('succeeded'))!, sampleContainer({ name: 'web', displayName: 'Web shop' }));
    expect(variables).toMatchObject({ displayName: 'Web shop', watcher: 'local', agent: '', reason: '', reasonLine: '', hint: '', hintLine: '' });
  });

  it('never interprets hostile names or reasons: no second expansion, titles on one line, bounded', () => {
    const hostile = sampleOperation('rolled-back', {
      containerName: '${reason}\r\nX-Injected: 1',
      rollbackReason: `boom\n\u0007\${name}${'y'.repeat(2000)}`,
    });
    const message = render(hostile);
    expect(message.title).toBe('⚠️ ${reason} X-Injected: 1: update to 1.3.0 failed, rolled back to 1.2.0');
    expect(message.title).not.toMatch(/[\r\n]/);
    expect(message.body).toContain('Reason: boom ${name}yyy');
    expect(message.body.split('\n')).toHaveLength(2);
    expect(message.body.length).toBeLessThan(900);
    const container = sampleContainer({ name: 'web', displayName: '${hint}\n<b>' });
    expect(renderResult({ resulttitle: '${displayName}', resultbody: '${displayName}' }, outcomeOf(sampleOperation('succeeded'))!, container)).toEqual({
      title: '${hint} <b>',
      body: '${hint} <b>',
    });
    expect(renderResult({ resulttitle: '${constructor} ${__proto__.x} ${summary.length}', resultbody: '' }, outcomeOf(sampleOperation('succeeded'))!).title).toBe('  ');
  });
});
