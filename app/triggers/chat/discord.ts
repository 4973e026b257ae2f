import { ConfigError } from '../../config/config-error.ts';
import { stringSetting, urlSetting } from '../../config/setting.ts';
import { sendHttp } from '../http-send.ts';
import { usableLink } from '../messages.ts';
import { defineProvider, maskedConfiguration } from '../provider.ts';

const settings = {
  url: urlSetting('Discord webhook URL (holds the secret).'),
  username: stringSetting('Name shown as the sender.', { maxLength: 80 }),
};
const shown = { ...settings, url: { ...settings.url, secret: true } };

/** Discord webhook: one embed (title, description, link); mentions are disabled. */
export const discordProvider = defineProvider({
  type: 'discord',
  kind: 'notify',
  description: 'Discord webhook',
  settings,
  create({ prefix, values, environment }) {
    if (!values.url) throw new ConfigError(`${prefix}URL`, 'is required', 'the Discord webhook URL');
    const url = values.url;
    return {
      configuration: maskedConfiguration(shown, values),
      async send(delivery, signal) {
        const embed: Record<string, unknown> = { title: delivery.message.title.slice(0, 256), description: delivery.message.body.slice(0, 4000), color: 0x2496ed };
        const link = delivery.mode === 'simple' ? usableLink(delivery.containers[0]?.result?.link) : undefined;
        if (link) embed.url = link;
        const body: Record<string, unknown> = { embeds: [embed], allowed_mentions: { parse: [] } };
        if (values.username) body.username = values.username;
        await sendHttp(environment, { url, body }, signal);
      },
    };
  },
});
