import {
  booleanSetting,
  enumSetting,
  integerSetting,
  stringSetting,
  urlSetting,
  type SettingTable,
} from './setting.ts';

/** Every fixed DD_* variable, by its full name. Group variables (watchers, …) live in groups.ts. */
export const globalSettings = {
  DD_SERVER_PORT: integerSetting('Port of the HTTP API and web UI.', 1, 65535, 3000),
  DD_SERVER_ADDRESS: stringSetting('Address the HTTP server binds to.', { defaultValue: '0.0.0.0' }),
  DD_SERVER_PUBLICURL: urlSetting('Public URL of dockdeck, used for links and action buttons in notifications.'),
  DD_SERVER_FEATURE_CONTAINERACTIONS: booleanSetting('Allow update, rollback, start, stop and restart actions.', true),
  DD_SERVER_FEATURE_DELETE: booleanSetting('Allow deleting containers from the store through the API.', true),
  DD_SERVER_TLS_ENABLED: booleanSetting('Serve HTTPS instead of HTTP.', false),
  DD_SERVER_TLS_CERT: stringSetting('Path to the PEM certificate (chain) for HTTPS.'),
  DD_SERVER_TLS_KEY: stringSetting('Path to the PEM private key for HTTPS.'),
  DD_SERVER_BODY_LIMIT_KB: integerSetting('Largest accepted request body, in KiB.', 1, 10240, 256),
  DD_SERVER_SESSION_SECRET: stringSetting('Secret that signs web UI session cookies (at least 32 characters). Unset: one is generated and kept in the store.', { secret: true, minLength: 32 }),
  DD_SERVER_SESSION_TIMEOUT_HOURS: integerSetting('Hours without a request after which a web UI session ends.', 1, 8760, 24),
  DD_STORE_PATH: stringSetting('Folder of the JSON store (dd.json).', { defaultValue: './store' }),
  DD_LOG_LEVEL: enumSetting('Log level.', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  DD_LOG_FORMAT: enumSetting('Log format.', ['text', 'json'], 'text'),
  DD_UI_MATURITY_THRESHOLD_DAYS: integerSetting('Age in days separating hot from mature updates.', 1, 30, 7),
  DD_STATS_INTERVAL: integerSetting('Seconds between fleet stats polls.', 1, 3600, 10),
  DD_SSE_HEARTBEAT_SECONDS: integerSetting('Seconds between dd:heartbeat events on event streams.', 1, 300, 15),
  DD_SSE_MAX_CLIENTS: integerSetting('Open event streams (SSE and log WebSockets) allowed in total.', 1, 100000, 1000),
  DD_SSE_MAX_CLIENTS_PER_IP: integerSetting('Open event streams allowed per client address.', 1, 100000, 50),
  DD_SSE_REPLAY_SIZE: integerSetting('Events kept for clients that reconnect with Last-Event-ID.', 1, 100000, 1000),
  DD_WATCH_CONCURRENCY: integerSetting('Registry checks run at once within a watch cycle.', 1, 64, 8),
  DD_RELEASENOTES_GITHUB_URL: urlSetting('GitHub REST API base URL for release notes (GitHub Enterprise: https://HOST/api/v3).', 'https://api.github.com'),
  DD_RELEASENOTES_GITHUB_TOKEN: stringSetting(
    'GitHub token for release notes, sent as Bearer (raises the rate limit from 60 to 5000 requests an hour; public repositories need no scope).',
    { secret: true },
  ),
} satisfies SettingTable;

export type GlobalSettingName = keyof typeof globalSettings;

/**
 * What `dockdeck agent` reads (and nothing else does). One word after DD_AGENT_, so they never
 * look like the controller's DD_AGENT_{NAME}_{KEY} groups, which always have two or more.
 */
export const agentModeSettings = {
  DD_AGENT_SECRET: stringSetting('Agent mode: shared secret the controller must present (at least 16 characters). Required.', { secret: true, minLength: 16 }),
  DD_AGENT_PORT: integerSetting('Agent mode: port the agent listens on.', 1, 65535, 3001),
  DD_AGENT_ADDRESS: stringSetting('Agent mode: address the agent binds to.', { defaultValue: '0.0.0.0' }),
  DD_AGENT_CERTFILE: stringSetting('Agent mode: server certificate (PEM) for HTTPS.'),
  DD_AGENT_KEYFILE: stringSetting('Agent mode: server private key (PEM) for HTTPS.', { secret: true }),
  DD_AGENT_CAFILE: stringSetting('Agent mode: CA (PEM) that client certificates must be signed by; set it to require them.'),
} satisfies SettingTable;

export type AgentModeSettingName = keyof typeof agentModeSettings;
