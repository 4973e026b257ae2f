import { booleanSetting, enumSetting, integerSetting, stringSetting, type SettingTable } from '../config/setting.ts';
import { MAX_TEMPLATE_LENGTH } from '../core/template.ts';
import { DEFAULT_TEMPLATES } from './messages.ts';
import { THRESHOLDS } from './threshold.ts';

/** Keys every trigger accepts: DD_TRIGGER_{TYPE}_{NAME}_{KEY}. */
export const commonTriggerSettings = {
  threshold: enumSetting('Least severe update that fires (see the threshold definitions).', THRESHOLDS, 'all'),
  mode: enumSetting('simple: one message per container; batch: one message per watch cycle.', ['simple', 'batch'], 'simple'),
  once: booleanSetting('Send each candidate (container, tag/digest) only once, across restarts.', true),
  auto: booleanSetting('Fire on watch results; false = only when run by hand from the API.', true),
  order: integerSetting('Order among triggers (lower first).', -1000, 1000, 100),
  simpletitle: stringSetting('Title template (simple mode).', { defaultValue: DEFAULT_TEMPLATES.simpletitle, maxLength: MAX_TEMPLATE_LENGTH }),
  simplebody: stringSetting('Body template (simple mode).', { defaultValue: DEFAULT_TEMPLATES.simplebody, maxLength: MAX_TEMPLATE_LENGTH }),
  batchtitle: stringSetting('Title template (batch mode).', { defaultValue: DEFAULT_TEMPLATES.batchtitle, maxLength: MAX_TEMPLATE_LENGTH }),
  batchbody: stringSetting('Per-container line template (batch mode).', { defaultValue: DEFAULT_TEMPLATES.batchbody, maxLength: MAX_TEMPLATE_LENGTH }),
} satisfies SettingTable;
