/**
 * A service's health check, in ReadyStackGo's form (`healthCheck: {type, test, interval, ...}`)
 * or compose's (`healthcheck: {test, interval, start_period, disable}`).
 */
import { parseDuration } from './duration.js';
import type { ManifestPath } from './manifest-error.js';
import type { HealthCheckManifest } from './manifest-model.js';
import type { ManifestReader, ManifestMapping } from './manifest-reader.js';

/** Docker's own defaults, so a check behaves the same as one written in a Dockerfile. */
const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 3;

function duration(node: ManifestMapping, path: ManifestPath, reader: ManifestReader, ours: string, compose: string, fallback: number): number {
  const { value, key } = ours === compose ? { value: node.get(ours), key: ours } : reader.eitherKey(node, path, ours, compose);
  const text = reader.string(value, [...path, key]);
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === null) {
    reader.problem([...path, key], `expected a duration such as "10s", "1m30s", "500ms" or a number of seconds, found ${JSON.stringify(text)}`);
    return fallback;
  }
  return ms;
}

/**
 * The Docker test, as Docker's `Test` array: a string becomes `CMD-SHELL`, a list must start
 * with `CMD`, `CMD-SHELL` or `NONE`. Undefined on a problem; `[]` means "the image's check".
 */
function dockerTest(value: unknown, path: ManifestPath, reader: ManifestReader): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return ['CMD-SHELL', value];
  const items = reader.stringList(value, path);
  if (items === undefined) return undefined;
  const [kind] = items;
  if (kind !== undefined && kind !== 'CMD' && kind !== 'CMD-SHELL' && kind !== 'NONE') {
    reader.problem([...path, 0], 'expected "CMD", "CMD-SHELL" or "NONE"');
    return undefined;
  }
  return items;
}

/** Parses a health check; null when absent or invalid (a problem is recorded when invalid). */
export function parseHealthCheck(value: unknown, path: ManifestPath, reader: ManifestReader): HealthCheckManifest | null {
  if (value === null || value === undefined) return null;
  const node = reader.mapping(value, path);
  if (node === undefined) return null;

  if (reader.boolean(node.get('disable'), [...path, 'disable']) === true) return { type: 'none' };
  const rawType = reader.string(node.get('type'), [...path, 'type']);
  const type = rawType?.toLowerCase() ?? 'docker';
  if (type !== 'docker' && type !== 'http' && type !== 'tcp' && type !== 'none') {
    reader.problem([...path, 'type'], 'expected docker, http, tcp or none');
    return null;
  }
  if (type === 'none') return { type: 'none' };

  const timing = {
    intervalMs: duration(node, path, reader, 'interval', 'interval', DEFAULT_INTERVAL_MS),
    timeoutMs: duration(node, path, reader, 'timeout', 'timeout', DEFAULT_TIMEOUT_MS),
    retries: reader.integer(node.get('retries'), [...path, 'retries'], 0, 1000) ?? DEFAULT_RETRIES,
    startPeriodMs: duration(node, path, reader, 'startPeriod', 'start_period', 0),
  };

  if (type === 'docker') {
    const test = dockerTest(node.get('test'), [...path, 'test'], reader);
    if (test === undefined) return null;
    return test[0] === 'NONE' ? { type: 'none' } : { type: 'docker', test, ...timing };
  }

  const port = reader.integer(node.get('port'), [...path, 'port'], 1, 65535);
  if (port === undefined) {
    if (!node.has('port') || node.get('port') === null) reader.problem([...path, 'port'], `required for ${type} health checks`);
    return null;
  }
  const checkPath = reader.string(node.get('path'), [...path, 'path']) ?? (type === 'http' ? '/' : '');
  return { type, port, path: checkPath, ...timing };
}
