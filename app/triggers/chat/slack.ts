import { ConfigError } from '../../config/config-error.ts';
import { stringSetting, urlSetting } from '../../config/setting.ts';
import { sendHttp } from '../http-send.ts';
import { defineProvider, maskedConfiguration } from '../provider.ts';

const settings = {
  url: urlSetting('Incoming webhook URL (holds the secret).'),
  username: stringSetting('Name shown as the sender (when the webhook allows it).', { maxLength: 80 }),
};
// The URL is the credential of an incoming webhook.
const shown = { ...settings, url: { ...settings.url, secret: true } };

/** Slack incoming webhook: `{"text": "*title*\n body"}`. */
export const slackProvider = defineProvider({
  type: 'slack',
  kind: 'notify',
  description: 'Slack incoming webhook',
  settings,
  create({ prefix, values, environment }) {
    if (!values.url) throw new ConfigError(`${prefix}URL`, 'is required', 'the Slack incoming webhook URL');
    const url = values.url;
    return {
      configuration: maskedConfiguration(shown, values),
      async send(delivery, signal) {
        const body: Record<string, unknown> = { text: `*${escapeSlack(delivery.message.title)}*\n${escapeSlack(delivery.message.body)}`.slice(0, 3900) };
        if (values.username) body.username = values.username;
        await sendHttp(environment, { url, body }, signal);
      },
    };
  },
});

/** Slack treats <, > and & as markup (links, mentions): untrusted text is escaped. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
