import { booleanSetting, enumSetting, integerSetting, stringSetting, type SettingTable } from '../config/setting.ts';
import { MAX_TEMPLATE_LENGTH } from '../core/template.ts';
import { DEFAULT_TEMPLATES } from './messages.ts';
import { DEFAULT_RESULT_TEMPLATES } from './result-messages.ts';
import { THRESHOLDS } from './threshold.ts';
import { eventsSetting } from './trigger-events.ts';

/** Keys every trigger accepts: DD_TRIGGER_{TYPE}_{NAME}_{KEY}. */
export const commonTriggerSettings = {
  events: eventsSetting(
    'Which messages it sends: update-available (a newer image was found), update-applied (dockdeck updated a container, or rolled it back to a backup by hand), update-failed (an update failed, rolled back or not), rollback-failed (a rollback failed and the service may be down, dockdeck gave up retrying it, or a retry brought it back). THRESHOLD, MODE, ONCE and AUTO apply to update-available only; the docker trigger takes update-available only.',
  ),
  threshold: enumSetting('Least severe update that fires (see the threshold definitions).', THRESHOLDS, 'all'),
  mode: enumSetting('simple: one message per container; batch: one message per watch cycle.', ['simple', 'batch'], 'simple'),
  once: booleanSetting('Send each candidate (container, tag/digest) only once, across restarts.', true),
  auto: booleanSetting('Fire on watch results; false = only when run by hand from the API.', true),
  order: integerSetting('Order among triggers (lower first).', -1000, 1000, 100),
  simpletitle: stringSetting('Title template (simple mode).', { defaultValue: DEFAULT_TEMPLATES.simpletitle, maxLength: MAX_TEMPLATE_LENGTH }),
  simplebody: stringSetting('Body template (simple mode).', { defaultValue: DEFAULT_TEMPLATES.simplebody, maxLength: MAX_TEMPLATE_LENGTH }),
  batchtitle: stringSetting('Title template (batch mode).', { defaultValue: DEFAULT_TEMPLATES.batchtitle, maxLength: MAX_TEMPLATE_LENGTH }),
  batchbody: stringSetting('Per-container line template (batch mode).', { defaultValue: DEFAULT_TEMPLATES.batchbody, maxLength: MAX_TEMPLATE_LENGTH }),
  resulttitle: stringSetting('Title template of the messages about what an update did (update-applied, update-failed, rollback-failed).', {
    defaultValue: DEFAULT_RESULT_TEMPLATES.resulttitle,
    maxLength: MAX_TEMPLATE_LENGTH,
  }),
  resultbody: stringSetting('Body template of the messages about what an update did.', { defaultValue: DEFAULT_RESULT_TEMPLATES.resultbody, maxLength: MAX_TEMPLATE_LENGTH }),
} satisfies SettingTable;
