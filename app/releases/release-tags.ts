/** Docker's tag grammar; a registry answer that does not match it is never put in a URL. */
const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * The release tags an image tag may be published under, in the order they are tried: the tag as
 * it is, then with the leading `v` removed or added (images are often `1.2.3`, releases `v1.2.3`).
 */
export function releaseTagCandidates(imageTag: string): string[] {
  if (!DOCKER_TAG.test(imageTag)) return [];
  const other = /^[vV]\d/.test(imageTag) ? imageTag.slice(1) : /^\d/.test(imageTag) ? `v${imageTag}` : undefined;
  return other ? [imageTag, other] : [imageTag];
}
