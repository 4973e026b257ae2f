import type { Container } from '../core/container.ts';
import type { Setting, SettingTable } from '../config/setting.ts';
import type { Logger } from '../log.ts';
import type { OperationOutcomeRecord } from '../store/schema.ts';

/**
 * The contract every trigger type implements (ntfy, http, smtp, …, and the `docker` update action).
 *
 * The framework (trigger-service.ts) owns everything common: the DD_TRIGGER_{TYPE}_{NAME}_* keys
 * EVENTS, THRESHOLD, MODE, ONCE, AUTO, ORDER and the templates, routing by dd.trigger.include/exclude,
 * the once-ledger, the outbox with retries, and the async queue. A provider only declares its own
 * keys (`settings`) and turns one Delivery into an effect:
 * - a `notify` provider sends `delivery.message` (already rendered) somewhere;
 * - an `act` provider (e.g. docker) ignores the message and acts on `delivery.containers`.
 *
 * A provider never reads process.env; its factory gets parsed values and the environment below.
 * `send` throws on failure (the framework retries with backoff up to `maxAttempts`); it must honour
 * `signal` (aborted on timeout/shutdown) and must never put secrets in error messages.
 */
export interface TriggerProvider {
  /** Configuration shown by the API; secret values already replaced by '***'. */
  readonly configuration: Readonly<Record<string, unknown>>;
  send(delivery: Delivery, signal: AbortSignal): Promise<void>;
}

/** Rendered text for a notification; providers may use the containers for richer payloads. */
export interface NotificationMessage {
  readonly title: string;
  readonly body: string;
}

export interface Delivery {
  /** `simple`: one container; `batch`: every container of one watch cycle. */
  readonly mode: 'simple' | 'batch';
  readonly containers: readonly Container[];
  readonly message: NotificationMessage;
  /** Why it runs: `auto` (watch result or update outcome), `manual` (run now from the API), `test` (test message). */
  readonly reason: 'auto' | 'manual' | 'test';
  /**
   * Set when the message tells what an update operation did (EVENTS update-applied,
   * update-failed, rollback-failed) rather than that an update is available: providers then skip
   * "Update now" buttons and release links, and may raise the priority (see severityOf).
   * `containers` then holds the container as the store knows it (for routing), possibly stale.
   */
  readonly result?: OperationOutcomeRecord;
}

/** Shared services a factory may use. Add optional fields here (additively) when a provider needs more. */
export interface ProviderEnvironment {
  readonly logger: Logger;
  /** DD_SERVER_PUBLICURL without a trailing slash, when configured (links, action buttons). */
  readonly publicUrl?: string;
  /** Injected for tests; defaults to the global fetch. */
  readonly fetch: typeof fetch;
  /** Per-request timeout of outgoing calls. */
  readonly timeoutMs: number;
  /** Set by main.ts for act providers (the docker trigger); unknown to the framework on purpose. */
  readonly services?: Readonly<Record<string, unknown>>;
}

type ParsedTable<S extends SettingTable> = { [K in keyof S]: S[K] extends Setting<infer T> ? T | undefined : never };

/** Common framework values a provider may read (e.g. to default differently per mode). */
export interface CommonTriggerValues {
  readonly threshold: string;
  readonly mode: 'simple' | 'batch';
  readonly once: boolean;
  readonly auto: boolean;
  readonly order: number;
}

/**
 * A trigger type: its own keys, and a factory. Registered once in providers.ts (type → definition).
 * `create` may throw ConfigError (naming the variable) for cross-field problems.
 */
export interface ProviderDefinition<S extends SettingTable = SettingTable> {
  readonly type: string;
  readonly kind: 'notify' | 'act';
  readonly description: string;
  readonly settings: S;
  /** Total attempts of one delivery before it stays failed in the outbox (act providers: 1). */
  readonly maxAttempts?: number;
  /** Defaults of the common keys for this type (e.g. the docker trigger may default AUTO to false). */
  readonly commonDefaults?: Partial<CommonTriggerValues>;
  create(input: {
    readonly id: string;
    readonly name: string;
    /** DD_TRIGGER_{TYPE}_{NAME}_ — build variable names for ConfigError from it. */
    readonly prefix: string;
    readonly values: ParsedTable<S>;
    readonly common: CommonTriggerValues;
    readonly environment: ProviderEnvironment;
  }): TriggerProvider;
}

/** Helper keeping the settings type while erasing it for the static index. */
export function defineProvider<S extends SettingTable>(definition: ProviderDefinition<S>): ProviderDefinition {
  return definition as unknown as ProviderDefinition;
}

/** Replaces secret values by '***' for the API and logs. */
export function maskedConfiguration(table: SettingTable, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    out[key] = table[key]?.secret ? '***' : value;
  }
  return out;
}
