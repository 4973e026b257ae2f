import { ConfigError } from '../../config/config-error.ts';
import { enumSetting, stringSetting, urlSetting } from '../../config/setting.ts';
import { basicAuth, sendHttp } from '../http-send.ts';
import { containerVariables } from '../messages.ts';
import { defineProvider, maskedConfiguration, type Delivery } from '../provider.ts';

const settings = {
  url: urlSetting('Webhook URL.'),
  method: enumSetting('HTTP method.', ['post', 'put', 'patch'], 'post'),
  user: stringSetting('User name (Basic auth with PASSWORD).'),
  password: stringSetting('Password (Basic auth with USER).', { secret: true }),
  token: stringSetting('Bearer token.', { secret: true }),
};

/**
 * The JSON body a webhook receives (documented): title, message, mode, reason and one object per
 * container; a message about what an update did adds `event` (its EVENTS kind) and `result` (the
 * operation's outcome). Available updates keep the body they always had.
 */
export function webhookBody(delivery: Delivery): Record<string, unknown> {
  return {
    title: delivery.message.title,
    message: delivery.message.body,
    mode: delivery.mode,
    reason: delivery.reason,
    ...(delivery.result ? { event: delivery.result.event, result: delivery.result } : {}),
    containers: delivery.containers.map((container) => {
      const v = containerVariables(container);
      return { id: v.id, name: v.name, displayName: v.displayName, watcher: v.watcher, agent: v.agent || null, host: v.host, image: v.image, kind: v.kind, currentValue: v.currentValue, newValue: v.newValue, link: v.link || null };
    }),
  };
}

/** Generic webhook: JSON body, optional Basic or Bearer auth; redirects are not followed when credentials are set. */
export const httpProvider = defineProvider({
  type: 'http',
  kind: 'notify',
  description: 'Generic JSON webhook',
  settings,
  create({ prefix, values, environment }) {
    if (!values.url) throw new ConfigError(`${prefix}URL`, 'is required', 'an http:// or https:// URL');
    if ((values.user === undefined) !== (values.password === undefined)) {
      throw new ConfigError(`${prefix}${values.user === undefined ? 'USER' : 'PASSWORD'}`, 'is required with the other one', 'USER and PASSWORD together');
    }
    const url = values.url;
    const headers: Record<string, string> = {};
    if (values.token) headers.authorization = `Bearer ${values.token}`;
    else if (values.user && values.password) headers.authorization = basicAuth(values.user, values.password);
    const method = (values.method ?? 'post').toUpperCase();
    return {
      configuration: maskedConfiguration(settings, values),
      async send(delivery, signal) {
        await sendHttp(environment, { url, method, headers, body: webhookBody(delivery), followRedirects: true }, signal);
      },
    };
  },
});
