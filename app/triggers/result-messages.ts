import type { Container } from '../core/container.ts';
import { truncate } from '../core/errors.ts';
import { renderTemplate } from '../core/template.ts';
import type { OperationOutcomeRecord } from '../store/schema.ts';
import { hostOf, oneLine, shortValue } from './messages.ts';
import type { OperationOutcome } from './operation-outcome.ts';
import type { NotificationMessage } from './provider.ts';

/** Like the other templates' variables: anything from labels or engine errors is cut to this. */
const MAX_VARIABLE_LENGTH = 256;
const MAX_REASON_LENGTH = 500;

/** RESULTTITLE / RESULTBODY: the texts of every message about what an update operation did. */
export interface ResultTemplates {
  readonly resulttitle: string;
  readonly resultbody: string;
}

export const DEFAULT_RESULT_TEMPLATES: ResultTemplates = {
  resulttitle: '${icon} ${summary}',
  resultbody: '${summary} (${host})${reasonLine}${hintLine}',
};

const ICONS: Record<OperationOutcome, string> = {
  updated: '✅',
  restored: '↩️',
  'rolled-back': '⚠️',
  failed: '❌',
  'rollback-failed': '🚨',
  'rollback-gave-up': '🚨',
  'rollback-recovered': '✅',
};

/** Untrusted text on one line (engine errors carry newlines), cut to size. */
function clean(value: string | undefined, max = MAX_VARIABLE_LENGTH): string {
  if (!value) return '';
  return truncate(value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim(), max);
}

/** The sentence the default texts are built from, e.g. `web updated 1.2.0 → 1.3.0`. */
function summaryOf(result: OperationOutcomeRecord, name: string, from: string, to: string): string {
  const verb = result.operationKind === 'rollback' ? 'rollback' : 'update';
  switch (result.outcome) {
    case 'updated':
      return `${name} updated ${from} → ${to}`;
    case 'restored':
      return `${name} rolled back ${from} → ${to}`;
    case 'rolled-back':
      return result.operationKind === 'rollback' ? `${name}: rollback to ${to} failed, back on ${from}` : `${name}: update to ${to} failed, rolled back to ${from}`;
    case 'failed':
      return result.kept
        ? `${name}: ${verb} to ${to} failed its health check, kept on ${to} (automatic rollback is off)`
        : `${name}: ${verb} to ${to} failed, still on ${from}`;
    case 'rollback-failed':
      return `${name}: rollback failed, service may be down`;
    case 'rollback-gave-up':
      return `${name}: rollback retries gave up, service may be down`;
    case 'rollback-recovered':
      return `${name}: rollback completed on retry, back on ${from}`;
  }
}

/** What an operator can do next, for the outcomes that need someone. */
function hintOf(result: OperationOutcomeRecord): string {
  const retry = `POST /api/v1/containers/${result.containerId}/rollback`;
  if (result.outcome === 'rollback-failed') return `dockdeck retries the rollback by itself; to retry now: ${retry}`;
  if (result.outcome !== 'rollback-gave-up') return '';
  return result.gaveUpReason === 'old-container-gone'
    ? `The old container is gone: restore it from a backup (${retry} with a backupId)`
    : `dockdeck no longer retries by itself: fix the cause, then ${retry}`;
}

/**
 * The documented variables of RESULTTITLE and RESULTBODY: event, outcome, icon, summary, name,
 * displayName, host, watcher, agent, id, operationId, operationKind, fromVersion, toVersion,
 * image, reason, reasonLine (newline + `Reason: …`, or empty), hint, hintLine, at.
 */
export function resultVariables(result: OperationOutcomeRecord, container?: Container): Record<string, string> {
  const name = clean(result.containerName);
  const from = clean(shortValue(result.fromVersion));
  const to = clean(shortValue(result.toVersion));
  const reason = clean(result.reason, MAX_REASON_LENGTH);
  const hint = hintOf(result);
  const host = hostOf({ watcher: result.watcher, ...(result.agent ? { agent: result.agent } : {}) });
  return {
    event: result.event,
    outcome: result.outcome,
    icon: ICONS[result.outcome],
    summary: summaryOf(result, name, from, to),
    name,
    displayName: clean(container?.displayName || result.containerName),
    host: clean(host),
    watcher: clean(result.watcher),
    agent: clean(result.agent),
    id: result.containerId,
    operationId: result.operationId,
    operationKind: result.operationKind,
    fromVersion: from,
    toVersion: to,
    image: clean(result.targetImage),
    reason,
    reasonLine: reason ? `\nReason: ${reason}` : '',
    hint,
    hintLine: hint ? `\n${hint}` : '',
    at: result.at,
  };
}

export function renderResult(templates: ResultTemplates, result: OperationOutcomeRecord, container?: Container): NotificationMessage {
  const variables = resultVariables(result, container);
  return { title: oneLine(renderTemplate(templates.resulttitle, variables, 256)), body: renderTemplate(templates.resultbody, variables) };
}
