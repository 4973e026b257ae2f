import { ConfigError } from '../../config/config-error.ts';
import { integerSetting, stringSetting, urlSetting } from '../../config/setting.ts';
import { sendHttp } from '../http-send.ts';
import { usableLink } from '../messages.ts';
import { severityOf } from '../operation-outcome.ts';
import { defaultPriority } from '../priority.ts';
import { defineProvider, maskedConfiguration } from '../provider.ts';

const settings = {
  url: urlSetting('Gotify server base URL.'),
  token: stringSetting('Application token.', { secret: true }),
  priority: integerSetting('Message priority 0–10 (default by update kind). Update results: applied 5 (or this), failed at least 8, rollback failed or given up 10.', 0, 10),
};

/** Gotify: POST {url}/message with the app token in X-Gotify-Key. */
export const gotifyProvider = defineProvider({
  type: 'gotify',
  kind: 'notify',
  description: 'Gotify push server',
  settings,
  create({ prefix, values, environment }) {
    if (!values.url) throw new ConfigError(`${prefix}URL`, 'is required', 'the Gotify server URL');
    if (!values.token) throw new ConfigError(`${prefix}TOKEN`, 'is required', 'a Gotify application token');
    const url = `${values.url}/message`;
    const headers = { 'x-gotify-key': values.token };
    return {
      configuration: maskedConfiguration(settings, values),
      async send(delivery, signal) {
        const body: Record<string, unknown> = {
          title: delivery.message.title,
          message: delivery.message.body,
          // Gotify's scale is 0–10; the ntfy-like 1–5 default is doubled.
          priority: values.priority ?? defaultPriority(delivery.containers) * 2,
        };
        if (delivery.result) {
          const severity = severityOf(delivery.result);
          const configured = values.priority ?? 5;
          body.priority = severity === 'critical' ? 10 : severity === 'warning' ? Math.max(configured, 8) : configured;
        }
        const link = delivery.mode === 'simple' && !delivery.result ? usableLink(delivery.containers[0]?.result?.link) : undefined;
        if (link) body.extras = { 'client::notification': { click: { url: link } } };
        await sendHttp(environment, { url, headers, body }, signal);
      },
    };
  },
});
