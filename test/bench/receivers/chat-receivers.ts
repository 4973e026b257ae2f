import { checkObject, isArrayOf, isBoolean, isIntegerIn, isNonEmptyString, isObjectWith, isString, parseJson, startReceiver, type Receiver, type ReceivedRequest } from './receiver.ts';

const isUrl = (value: unknown) => typeof value === 'string' && /^https?:\/\/\S+$/.test(value);
const maxLength = (max: number) => (value: unknown) => typeof value === 'string' && value.length > 0 && value.length <= max;

function jsonPost(request: ReceivedRequest, path: string): { status: number; error: string } | unknown {
  if (request.method !== 'POST' || request.path !== path) return { status: 404, error: `unexpected ${request.method} ${request.path}` };
  if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) return { status: 415, error: 'not JSON' };
  return undefined;
}

function strict(path: string, fields: Parameters<typeof checkObject>[1], required: string[], extra?: (request: ReceivedRequest) => string | null) {
  return (request: ReceivedRequest) => {
    const problem = jsonPost(request, path) as { status: number; error: string } | undefined;
    if (problem) return problem;
    const headerProblem = extra?.(request);
    if (headerProblem) return { status: 401, error: headerProblem };
    const error = checkObject(parseJson(request.body), fields, required);
    return error ? { status: 400, error } : null;
  };
}

/** Slack incoming webhook at /services/T000/B000/secret: `text` (and optional username) only. */
export const startSlackReceiver = (): Promise<Receiver> =>
  startReceiver(strict('/services/T000/B000/secret', { text: maxLength(40_000), username: isString }, ['text']), () => 'ok');

/** Discord webhook /api/webhooks/1/secret: content or embeds (title ≤ 256, description ≤ 4096). */
export const startDiscordReceiver = (): Promise<Receiver> =>
  startReceiver(
    strict(
      '/api/webhooks/1/secret',
      {
        content: maxLength(2000),
        username: maxLength(80),
        allowed_mentions: isObjectWith({ parse: isArrayOf(isString) }),
        embeds: (value) =>
          Array.isArray(value) &&
          value.length >= 1 &&
          value.length <= 10 &&
          value.every(isObjectWith({ title: maxLength(256), description: maxLength(4096), url: isUrl, color: isIntegerIn(0, 0xffffff) })),
      },
      ['embeds'],
    ),
    () => ({}),
  );

/** Gotify POST /message with X-Gotify-Key. */
export const startGotifyReceiver = (token: string): Promise<Receiver> =>
  startReceiver(
    strict(
      '/message',
      {
        title: isString,
        message: isNonEmptyString,
        priority: isIntegerIn(0, 10),
        extras: isObjectWith({ 'client::notification': isObjectWith({ click: isObjectWith({ url: isUrl }, ['url']) }) }),
      },
      ['message'],
      (request) => (request.headers['x-gotify-key'] === token ? null : 'bad app token'),
    ),
    () => ({ id: 1 }),
  );

/** Telegram POST /bot<token>/sendMessage with chat_id and text. */
export const startTelegramReceiver = (token: string, chatId: string): Promise<Receiver> =>
  startReceiver(
    (request) =>
      strict(`/bot${token}/sendMessage`, { chat_id: (value) => value === chatId, text: maxLength(4096), disable_web_page_preview: isBoolean }, ['chat_id', 'text'])(request),
    () => ({ ok: true, result: { message_id: 1 } }),
  );

/** Pushover POST /1/messages.json with token and user in the body. */
export const startPushoverReceiver = (token: string, user: string): Promise<Receiver> =>
  startReceiver(
    strict(
      '/1/messages.json',
      {
        token: (value) => value === token,
        user: (value) => value === user,
        title: maxLength(250),
        message: maxLength(1024),
        priority: isIntegerIn(-2, 2),
        url: (value) => isUrl(value) && (value as string).length <= 512,
        device: isString,
        sound: isString,
      },
      ['token', 'user', 'message'],
    ),
    () => ({ status: 1, request: 'r1' }),
  );

/** A webhook that wants Bearer auth and dockdeck's documented body. */
export const startWebhookReceiver = (token: string): Promise<Receiver> =>
  startReceiver(
    strict(
      '/hook',
      {
        title: isString,
        message: isString,
        mode: (value) => value === 'simple' || value === 'batch',
        reason: (value) => value === 'auto' || value === 'manual' || value === 'test',
        containers: isArrayOf(
          isObjectWith({
            id: isString, name: isString, displayName: isString, watcher: isString, agent: (v) => v === null || typeof v === 'string',
            host: isString, image: isString, kind: isString, currentValue: isString, newValue: isString, link: (v) => v === null || isUrl(v),
          }),
        ),
        // Only on messages about what an update did.
        event: (value) => value === 'update-applied' || value === 'update-failed' || value === 'rollback-failed',
        result: isObjectWith(
          {
            event: isString, outcome: isString, operationId: isNonEmptyString, operationKind: (v) => v === 'update' || v === 'rollback',
            containerId: isString, containerName: isNonEmptyString, identity: isNonEmptyString, watcher: isString, agent: isString,
            fromVersion: isString, toVersion: isString, targetImage: isString, reason: isString, kept: (v) => v === true,
            gaveUpReason: (v) => v === 'retries-exhausted' || v === 'old-container-gone', at: isString,
          },
          ['event', 'outcome', 'operationId', 'operationKind', 'containerId', 'containerName', 'identity', 'watcher', 'fromVersion', 'toVersion', 'targetImage', 'at'],
        ),
      },
      ['title', 'message', 'mode', 'reason', 'containers'],
      (request) => (request.headers.authorization === `Bearer ${token}` ? null : 'unauthorized'),
    ),
  );
