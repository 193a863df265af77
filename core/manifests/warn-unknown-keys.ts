import type { ManifestPath } from './manifest-error.js';
import type { ManifestMapping, ManifestReader } from './manifest-reader.js';

/** ReadyStackGo features a catalog may still carry, and what becomes of them here. */
const READYSTACKGO_FEATURES: Readonly<Record<string, string>> = {
  maintenance: "ReadyStackGo's maintenance mode (observer, setter) is not supported; ignored",
  edge: "ReadyStackGo's edge maintenance proxy is not supported; ignored",
};

/**
 * Warns about every key of `node` that is not in `known`, so nothing an author wrote is
 * dropped without a word. `x-*` keys are extensions by convention and pass silently.
 */
export function warnUnknownKeys(node: ManifestMapping, path: ManifestPath, reader: ManifestReader, known: ReadonlySet<string>): void {
  for (const key of node.keys()) {
    if (known.has(key) || key.startsWith('x-')) continue;
    reader.warn([...path, key], READYSTACKGO_FEATURES[key] ?? 'not supported; ignored');
  }
}
