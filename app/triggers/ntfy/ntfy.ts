import { ConfigError } from '../../config/config-error.ts';
import { integerSetting, stringSetting, urlSetting } from '../../config/setting.ts';
import { basicAuth, sendHttp } from '../http-send.ts';
import { usableLink } from '../messages.ts';
import { severityOf } from '../operation-outcome.ts';
import { defaultPriority } from '../priority.ts';
import { defineProvider, maskedConfiguration, type Delivery } from '../provider.ts';

const settings = {
  url: urlSetting('ntfy server base URL.', 'https://ntfy.sh'),
  topic: stringSetting('Topic to publish to.', { maxLength: 64 }),
  priority: integerSetting(
    'Message priority 1–5 (default by update kind: major 4, minor 3, patch/digest 2). Update results: applied 3 (or this), failed at least 4, rollback failed or given up 5.',
    1,
    5,
  ),
  tags: stringSetting('Comma-separated ntfy tags (emoji short codes or words).', { defaultValue: 'whale' }),
  token: stringSetting('Access token (sent as Bearer).', { secret: true }),
  user: stringSetting('User name (Basic auth with PASSWORD).'),
  password: stringSetting('Password (Basic auth with USER).', { secret: true }),
};

/** ntfy: JSON publish to the base URL (topic in the body), click = the container link, "Update now" button. */
export const ntfyProvider = defineProvider({
  type: 'ntfy',
  kind: 'notify',
  description: 'ntfy push notifications',
  settings,
  create({ prefix, values, environment }) {
    if (!values.topic) throw new ConfigError(`${prefix}TOPIC`, 'is required', 'an ntfy topic name');
    if (!/^[-_A-Za-z0-9]{1,64}$/.test(values.topic)) throw new ConfigError(`${prefix}TOPIC`, 'is not a valid topic', 'letters, digits, - or _');
    if ((values.user === undefined) !== (values.password === undefined)) {
      throw new ConfigError(`${prefix}${values.user === undefined ? 'USER' : 'PASSWORD'}`, 'is required with the other one', 'USER and PASSWORD together');
    }
    const url = values.url as string;
    const topic = values.topic;
    const tags = (values.tags ?? '').split(',').map((tag) => tag.trim()).filter(Boolean).slice(0, 10);
    const headers: Record<string, string> = {};
    if (values.token) headers.authorization = `Bearer ${values.token}`;
    else if (values.user && values.password) headers.authorization = basicAuth(values.user, values.password);
    return {
      configuration: maskedConfiguration(settings, values),
      async send(delivery: Delivery, signal: AbortSignal) {
        const body: Record<string, unknown> = {
          topic,
          title: delivery.message.title,
          // ntfy turns messages over 4096 bytes (not characters: `→` is 3) into attachments; keep it a message.
          message: cutToBytes(delivery.message.body, 4096),
          priority: values.priority ?? defaultPriority(delivery.containers),
        };
        if (tags.length > 0) body.tags = tags;
        if (delivery.result) {
          // What an update did: louder when it failed, word tags to filter on, a link to the operations page.
          const severity = severityOf(delivery.result);
          const configured = values.priority ?? 3;
          body.priority = severity === 'critical' ? 5 : severity === 'warning' ? Math.max(configured, 4) : configured;
          body.tags = [...tags, delivery.result.event, delivery.result.outcome].filter((tag, index, all) => all.indexOf(tag) === index);
          if (environment.publicUrl) body.click = `${environment.publicUrl}/operations`;
          await sendHttp(environment, { url, headers, body, followRedirects: false }, signal);
          return;
        }
        const first = delivery.containers[0];
        if (delivery.mode === 'simple' && first) {
          const link = usableLink(first.result?.link);
          if (link) body.click = link;
          if (environment.publicUrl && delivery.reason !== 'test') {
            body.actions = [
              {
                action: 'http',
                label: 'Update now',
                url: `${environment.publicUrl}/api/v1/containers/${encodeURIComponent(first.id)}/update`,
                method: 'POST',
                clear: true,
              },
            ];
          }
        }
        await sendHttp(environment, { url, headers, body, followRedirects: false }, signal);
      },
    };
  },
});

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, never splitting a character. */
function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    bytes += Buffer.byteLength(character);
    if (bytes > maxBytes) break;
    end += character.length;
  }
  return text.slice(0, end);
}
