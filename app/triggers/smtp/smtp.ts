import nodemailer from 'nodemailer';
import { ConfigError } from '../../config/config-error.ts';
import { booleanSetting, integerSetting, stringSetting } from '../../config/setting.ts';
import { defineProvider, maskedConfiguration } from '../provider.ts';

const ADDRESS = /^[^\s@<>(),;:"]{1,64}@[A-Za-z0-9.-]{1,253}$/;

const settings = {
  host: stringSetting('SMTP server host.', { maxLength: 253 }),
  port: integerSetting('SMTP server port.', 1, 65535, 587),
  secure: booleanSetting('Implicit TLS from the first byte (port 465); otherwise STARTTLS when offered.', false),
  tlsverify: booleanSetting('Verify the server certificate.', true),
  user: stringSetting('User name.'),
  password: stringSetting('Password.', { secret: true }),
  from: stringSetting('Sender address.', { maxLength: 320 }),
  to: stringSetting('Recipient addresses, comma separated.', { maxLength: 2000 }),
};

/** E-mail through an SMTP server (nodemailer); the title is the subject, the body the text part. */
export const smtpProvider = defineProvider({
  type: 'smtp',
  kind: 'notify',
  description: 'E-mail over SMTP',
  settings,
  create({ prefix, values, environment }) {
    if (!values.host) throw new ConfigError(`${prefix}HOST`, 'is required', 'an SMTP server host');
    if (!values.from || !ADDRESS.test(values.from)) throw new ConfigError(`${prefix}FROM`, 'is required and must be an address', 'user@example.com');
    const to = (values.to ?? '').split(',').map((address) => address.trim()).filter(Boolean);
    if (to.length === 0 || !to.every((address) => ADDRESS.test(address))) throw new ConfigError(`${prefix}TO`, 'is required and must be addresses', 'a@example.com,b@example.com');
    if ((values.user === undefined) !== (values.password === undefined)) {
      throw new ConfigError(`${prefix}${values.user === undefined ? 'USER' : 'PASSWORD'}`, 'is required with the other one', 'USER and PASSWORD together');
    }
    const transport = nodemailer.createTransport({
      host: values.host,
      port: values.port ?? 587,
      secure: values.secure ?? false,
      ...(values.user && values.password ? { auth: { user: values.user, pass: values.password } } : {}),
      tls: { rejectUnauthorized: values.tlsverify ?? true },
      connectionTimeout: environment.timeoutMs,
      greetingTimeout: environment.timeoutMs,
      socketTimeout: environment.timeoutMs,
    });
    return {
      configuration: maskedConfiguration(settings, values),
      async send(delivery, signal) {
        if (signal.aborted) throw new Error('aborted');
        try {
          await transport.sendMail({ from: values.from, to, subject: delivery.message.title, text: delivery.message.body });
        } catch (error) {
          // nodemailer errors may quote the server's reply, never our password; keep the short form.
          const { code, responseCode, message } = error as { code?: string; responseCode?: number; message?: string };
          throw new Error(`SMTP ${values.host}: ${code ?? ''}${responseCode ? ` ${responseCode}` : ''} ${String(message ?? '').slice(0, 200)}`.trim());
        }
      },
    };
  },
});
