import { registerDocumentedTable } from '../config/describe.ts';
import { commonTriggerSettings } from './common-settings.ts';
import { providerDefinitions } from './providers.ts';

/** Registers the trigger tables with the configuration reference (imported by the docs generator). */
export function registerTriggerDocumentation(): void {
  registerDocumentedTable('Triggers (every type)', 'DD_TRIGGER_{TYPE}_{NAME}_', commonTriggerSettings);
  for (const definition of providerDefinitions.values()) {
    registerDocumentedTable(`Trigger ${definition.type} (${definition.description})`, `DD_TRIGGER_${definition.type.toUpperCase()}_{NAME}_`, definition.settings);
  }
}

registerTriggerDocumentation();
