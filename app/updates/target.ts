import { parseImageReference } from '../core/image-ref.ts';

/** The reference to update to: the container's own reference with the tag replaced (digest dropped). */
export function targetReference(currentReference: string, tag: string): string {
  const parsed = parseImageReference(currentReference);
  let base = currentReference;
  if (parsed.digest) base = base.slice(0, base.indexOf('@'));
  if (parsed.tag) base = base.slice(0, base.length - parsed.tag.length - 1);
  return `${base}:${tag}`;
}
