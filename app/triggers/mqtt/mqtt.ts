import mqtt from 'mqtt';
import { ConfigError } from '../../config/config-error.ts';
import { booleanSetting, stringSetting } from '../../config/setting.ts';
import type { Container } from '../../core/container.ts';
import { containerVariables, hostOf } from '../messages.ts';
import { defineProvider, maskedConfiguration } from '../provider.ts';

const settings = {
  url: stringSetting('Broker URL (mqtt://, mqtts://, ws://, wss://).', { maxLength: 512 }),
  user: stringSetting('User name.'),
  password: stringSetting('Password.', { secret: true }),
  topic: stringSetting('Topic prefix of container states.', { defaultValue: 'dockdeck/container', maxLength: 128 }),
  hassenabled: booleanSetting('Publish Home Assistant discovery (an `update` entity per container).', true),
  hassprefix: stringSetting('Home Assistant discovery prefix.', { defaultValue: 'homeassistant', maxLength: 64 }),
};

/** Topic-safe segment: MQTT wildcards and separators out of untrusted names. */
export function topicSegment(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || '_';
}

/** Retained state of a container, in the JSON shape Home Assistant's MQTT `update` entity reads. */
export function stateOf(container: Container): Record<string, unknown> {
  const v = containerVariables(container);
  return {
    installed_version: v.currentValue,
    latest_version: container.updateAvailable ? v.newValue : v.currentValue,
    title: `${v.displayName} (${v.host})`,
    release_url: v.link || null,
    release_summary: container.updateKind ? `${v.kind} update` : null,
    update_kind: container.updateKind?.kind ?? null,
    container: v.name,
    host: v.host,
    image: v.image,
  };
}

/**
 * MQTT: one retained state message per container, plus retained Home Assistant discovery config;
 * what an update did goes, not retained, to `{TOPIC}/{host}/{container}/result`.
 */
export const mqttProvider = defineProvider({
  type: 'mqtt',
  kind: 'notify',
  description: 'MQTT (with Home Assistant discovery)',
  settings,
  create({ prefix, values, environment }) {
    if (!values.url || !/^(mqtts?|wss?):\/\/[^\s]+$/.test(values.url)) throw new ConfigError(`${prefix}URL`, 'is required', 'an mqtt:// or mqtts:// URL');
    const topic = (values.topic ?? 'dockdeck/container').replace(/\/+$/, '');
    const hassPrefix = values.hassprefix ?? 'homeassistant';
    return {
      configuration: maskedConfiguration(settings, values),
      async send(delivery, signal) {
        const client = await mqtt.connectAsync(values.url as string, {
          ...(values.user ? { username: values.user } : {}),
          ...(values.password ? { password: values.password } : {}),
          connectTimeout: environment.timeoutMs,
          reconnectPeriod: 0,
          clientId: `dockdeck-${Math.random().toString(16).slice(2, 10)}`,
        });
        const abort = () => void client.endAsync(true);
        signal.addEventListener('abort', abort, { once: true });
        try {
          if (delivery.result) {
            // What an update did is an event, not state: not retained, and the (stale) stored state is not republished.
            const result = delivery.result;
            const host = hostOf({ watcher: result.watcher, ...(result.agent ? { agent: result.agent } : {}) });
            const payload = { title: delivery.message.title, message: delivery.message.body, ...result };
            await client.publishAsync(`${topic}/${topicSegment(host)}/${topicSegment(result.containerName)}/result`, JSON.stringify(payload), { qos: 1 });
            return;
          }
          for (const container of delivery.containers) {
            const slug = `${topicSegment(hostOf(container))}_${topicSegment(container.name)}`;
            const stateTopic = `${topic}/${topicSegment(hostOf(container))}/${topicSegment(container.name)}`;
            if (values.hassenabled ?? true) {
              const config = {
                name: `${container.displayName || container.name}`.slice(0, 100),
                unique_id: `dockdeck_${slug}`,
                object_id: `dockdeck_${slug}`,
                state_topic: stateTopic,
                device_class: 'firmware',
                device: { identifiers: [`dockdeck_${topicSegment(hostOf(container))}`], name: `dockdeck ${hostOf(container)}`.slice(0, 100), manufacturer: 'dockdeck' },
              };
              await client.publishAsync(`${hassPrefix}/update/dockdeck_${slug}/config`, JSON.stringify(config), { retain: true, qos: 1 });
            }
            await client.publishAsync(stateTopic, JSON.stringify(stateOf(container)), { retain: true, qos: 1 });
          }
          if (delivery.reason === 'test') {
            await client.publishAsync(`${topic}/test`, JSON.stringify({ title: delivery.message.title, message: delivery.message.body }), { qos: 1 });
          }
        } finally {
          signal.removeEventListener('abort', abort);
          await client.endAsync().catch(() => undefined);
        }
      },
    };
  },
});
