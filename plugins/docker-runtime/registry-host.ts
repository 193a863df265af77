/** Names under which Docker Hub appears in image references and registry settings. */
const dockerHubHosts = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** The canonical name of Docker Hub, the registry of references without a host part. */
export const DOCKER_HUB = 'docker.io';

/**
 * The registry host an image reference is pulled from, by Docker's own rule: the first path
 * component is a host only when it contains a dot or a colon or is `localhost`; otherwise the
 * image lives on Docker Hub (`nginx`, `library/nginx`, `acme/api`).
 */
export function registryHost(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return DOCKER_HUB;
  const first = image.slice(0, slash);
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost';
  return isHost ? normalizeRegistryHost(first) : DOCKER_HUB;
}

/**
 * A registry host as written in settings, reduced to what {@link registryHost} returns: without
 * scheme or trailing path, lower case, Docker Hub aliases folded into one.
 */
export function normalizeRegistryHost(host: string): string {
  const bare = host.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
  return dockerHubHosts.has(bare) ? DOCKER_HUB : bare;
}
