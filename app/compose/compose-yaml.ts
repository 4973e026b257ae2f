import { Document, isScalar, parseDocument, visit, type Tags } from 'yaml';

/**
 * Characters a string may only hold inside double quotes: control characters (tabs and line
 * breaks included: PyYAML, which docker-compose 1.x reads files with, refuses a tab in a plain
 * scalar and misreads block scalars that start with a space), and the ones YAML 1.1 takes as line
 * breaks or refuses unescaped (NEL, LS, PS, C1 controls, BOM, non-characters).
 */
const NEEDS_DOUBLE_QUOTES = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/u;
/** What JSON-style double quoting leaves raw but YAML 1.1 readers do not: written as `\uXXXX` escapes. */
const RAW_IN_DOUBLE_QUOTES = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/gu;
/** Plain scalars PyYAML gives a type of its own (`=` the value tag, `<<` the merge key). */
const PYYAML_SPECIAL = new Set(['=', '<<']);

/**
 * The YAML text of a Compose document that every Compose parser reads back as the same strings:
 * YAML 1.1 quoting (docker-compose 1.x, `yes`, `22:22`, `0777`), and quotes wherever a YAML 1.2
 * parser (Compose v2) would type a plain scalar differently (`0o17`). No anchors, no folded lines.
 */
export function composeYaml(content: Record<string, unknown>, headerLines: readonly string[]): string {
  // Without the merge tag: the YAML 1.1 schema would write the string `<<` bare, as a merge key.
  const document = new Document(content, { version: '1.1', customTags: withoutMergeKeys, aliasDuplicateObjects: false });
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && needsDoubleQuotes(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  document.commentBefore = headerLines.map((line) => ` ${line}`).join('\n');
  const text = document.toString({ lineWidth: 0 });
  // Only double-quoted scalars can hold these characters (they are forced above), so escaping them in the text is safe.
  return text.replace(RAW_IN_DOUBLE_QUOTES, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function withoutMergeKeys(tags: Tags): Tags {
  return tags.filter((tag) => typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:merge');
}

function needsDoubleQuotes(value: string): boolean {
  if (NEEDS_DOUBLE_QUOTES.test(value) || PYYAML_SPECIAL.has(value)) return true;
  return !readsBackAsString(value);
}

/** Whether a YAML 1.2 parser reads the text, unquoted, as this very string. */
function readsBackAsString(value: string): boolean {
  const parsed = parseDocument(value, { version: '1.2' });
  return parsed.errors.length === 0 && isScalar(parsed.contents) && parsed.contents.value === value;
}
