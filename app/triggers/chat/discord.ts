import { ConfigError } from '../../config/config-error.ts';
import { stringSetting, urlSetting } from '../../config/setting.ts';
import { sendHttp } from '../http-send.ts';
import { usableLink } from '../messages.ts';
import { severityOf } from '../operation-outcome.ts';
import { defineProvider, maskedConfiguration, type Delivery } from '../provider.ts';

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
        const embed: Record<string, unknown> = { title: delivery.message.title.slice(0, 256), description: delivery.message.body.slice(0, 4000), color: colorOf(delivery) };
        const link = delivery.mode === 'simple' && !delivery.result ? usableLink(delivery.containers[0]?.result?.link) : undefined;
        if (link) embed.url = link;
        const body: Record<string, unknown> = { embeds: [embed], allowed_mentions: { parse: [] } };
        if (values.username) body.username = values.username;
        await sendHttp(environment, { url, body }, signal);
      },
    };
  },
});

/** Docker blue for available updates; green, orange or red for what an update did. */
function colorOf(delivery: Delivery): number {
  if (!delivery.result) return 0x2496ed;
  return { info: 0x2ea043, warning: 0xd29922, critical: 0xcf222e }[severityOf(delivery.result)];
}
