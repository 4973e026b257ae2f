import { ConfigError } from '../../config/config-error.ts';
import { integerSetting, stringSetting, urlSetting } from '../../config/setting.ts';
import { sendHttp } from '../http-send.ts';
import { usableLink } from '../messages.ts';
import { severityOf } from '../operation-outcome.ts';
import { defineProvider, maskedConfiguration } from '../provider.ts';

const settings = {
  url: urlSetting('Pushover API base URL.', 'https://api.pushover.net'),
  token: stringSetting('Application API token.', { secret: true }),
  user: stringSetting('User (or group) key.', { secret: true }),
  priority: integerSetting('Priority -2 to 1. Update results that failed are sent with 1 (high).', -2, 1, 0),
  device: stringSetting('Device name (all devices when empty).', { maxLength: 64 }),
  sound: stringSetting('Sound name.', { maxLength: 64 }),
};

/** Pushover messages API: POST {url}/1/messages.json. */
export const pushoverProvider = defineProvider({
  type: 'pushover',
  kind: 'notify',
  description: 'Pushover push notifications',
  settings,
  create({ prefix, values, environment }) {
    if (!values.token) throw new ConfigError(`${prefix}TOKEN`, 'is required', 'an application token');
    if (!values.user) throw new ConfigError(`${prefix}USER`, 'is required', 'a user key');
    const url = `${values.url}/1/messages.json`;
    return {
      configuration: maskedConfiguration(settings, values),
      async send(delivery, signal) {
        const body: Record<string, unknown> = {
          token: values.token,
          user: values.user,
          title: delivery.message.title.slice(0, 250),
          message: delivery.message.body.slice(0, 1024),
          priority: values.priority ?? 0,
        };
        // A failed update or rollback is high priority (2, emergency, would need retry/expire receipts).
        if (delivery.result && severityOf(delivery.result) !== 'info') body.priority = 1;
        if (values.device) body.device = values.device;
        if (values.sound) body.sound = values.sound;
        const link = delivery.mode === 'simple' && !delivery.result ? usableLink(delivery.containers[0]?.result?.link) : undefined;
        if (link && link.length <= 512) body.url = link;
        await sendHttp(environment, { url, body }, signal);
      },
    };
  },
});
