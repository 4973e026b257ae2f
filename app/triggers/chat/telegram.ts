import { ConfigError } from '../../config/config-error.ts';
import { stringSetting, urlSetting } from '../../config/setting.ts';
import { sendHttp } from '../http-send.ts';
import { defineProvider, maskedConfiguration } from '../provider.ts';

const settings = {
  url: urlSetting('Bot API base URL.', 'https://api.telegram.org'),
  bottoken: stringSetting('Bot token from @BotFather.', { secret: true }),
  chatid: stringSetting('Chat id (or @channel name).', { maxLength: 64 }),
};

/** Telegram Bot API sendMessage, plain text (no parse mode: untrusted text needs no escaping). */
export const telegramProvider = defineProvider({
  type: 'telegram',
  kind: 'notify',
  description: 'Telegram bot message',
  settings,
  create({ prefix, values, environment }) {
    if (!values.bottoken) throw new ConfigError(`${prefix}BOTTOKEN`, 'is required', 'a bot token');
    if (!values.bottoken.match(/^[0-9]+:[A-Za-z0-9_-]+$/)) throw new ConfigError(`${prefix}BOTTOKEN`, 'is not a bot token', 'digits:letters');
    if (!values.chatid) throw new ConfigError(`${prefix}CHATID`, 'is required', 'a chat id');
    const url = `${values.url}/bot${values.bottoken}/sendMessage`;
    const chatId = values.chatid;
    return {
      configuration: maskedConfiguration(settings, values),
      async send(delivery, signal) {
        const text = `${delivery.message.title}\n\n${delivery.message.body}`.slice(0, 4096);
        await sendHttp(environment, { url, body: { chat_id: chatId, text, disable_web_page_preview: true } }, signal);
      },
    };
  },
});
