/** Image references as manifests write them. */

/**
 * The reference a deploy pulls: `latest` is added when the reference has neither a tag nor a
 * digest. A registry port (`registry:5000/app`) is not a tag: only the last path part counts.
 */
export function imageWithTag(image: string): string {
  const trimmed = image.trim();
  if (trimmed.includes('@')) return trimmed;
  const lastPart = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return lastPart.includes(':') ? trimmed : `${trimmed}:latest`;
}
