import type { WatcherDetails } from '../../api/system.ts';

/** Display helpers for the watcher cards: tones for the pills and short texts. */

export type Tone = 'good' | 'warn' | 'bad' | 'info' | 'muted';

export function statusTone(status: WatcherDetails['status']): Tone {
  return status === 'running' ? 'info' : status === 'error' ? 'bad' : 'good';
}

export function eventsTone(events: WatcherDetails['events']): Tone {
  if (events === 'connected') return 'good';
  if (events === 'connecting' || events === 'reconnecting') return 'warn';
  return events === 'stopped' ? 'bad' : 'muted';
}

/** What the events pill says: the follower's state in words a person reads. */
export function eventsText(events: WatcherDetails['events']): string {
  return events === 'disabled' ? 'not followed' : events;
}

export function agentText(agent: WatcherDetails['agent']): string {
  if (!agent) return 'direct (no agent)';
  return `${agent.host}:${agent.port} · ${agent.tls ? 'TLS' : 'no TLS'}`;
}

export function jitterText(seconds: number): string {
  if (!seconds) return 'no jitter';
  return seconds < 120 ? `up to ${seconds} s jitter` : `up to ${Math.round(seconds / 60)} min jitter`;
}

export function milliseconds(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
