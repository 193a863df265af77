import { TEST_REGISTRY } from './test-images.js';

/**
 * The digest the test registry serves for `ref` (`127.0.0.1:5000/<repo>:<tag>`), asked over
 * the registry's own HTTP API, apart from any engine.
 */
export async function registryDigest(ref: string): Promise<string> {
  const withoutHost = ref.slice(`${TEST_REGISTRY}/`.length);
  const colon = withoutHost.lastIndexOf(':');
  const url = `http://${TEST_REGISTRY}/v2/${withoutHost.slice(0, colon)}/manifests/${withoutHost.slice(colon + 1)}`;
  const res = await fetch(url, { method: 'HEAD', headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
  const digest = res.headers.get('docker-content-digest');
  if (!res.ok || digest === null) throw new Error(`the registry has no manifest for ${ref} (${res.status})`);
  return digest;
}
