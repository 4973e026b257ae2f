import type { ProviderDefinition } from './provider.ts';
import { dockerProvider } from './docker/docker-provider.ts';
import { discordProvider } from './chat/discord.ts';
import { gotifyProvider } from './chat/gotify.ts';
import { pushoverProvider } from './chat/pushover.ts';
import { slackProvider } from './chat/slack.ts';
import { telegramProvider } from './chat/telegram.ts';
import { httpProvider } from './http/webhook.ts';
import { mqttProvider } from './mqtt/mqtt.ts';
import { ntfyProvider } from './ntfy/ntfy.ts';
import { smtpProvider } from './smtp/smtp.ts';

/**
 * Every trigger type, by the TYPE segment of DD_TRIGGER_{TYPE}_{NAME}_*. Static on purpose:
 * adding a type means adding one line here (the docker update action registers here too).
 */
export const providerDefinitions: ReadonlyMap<string, ProviderDefinition> = new Map(
  [
    ntfyProvider,
    httpProvider,
    smtpProvider,
    mqttProvider,
    slackProvider,
    discordProvider,
    gotifyProvider,
    telegramProvider,
    pushoverProvider,
    dockerProvider,
  ].map((definition) => [definition.type, definition]),
);
