/**
 * Safe YAML parsing for manifests. Catalog files come from remote repositories and registries,
 * so a file is bounded in size, nesting and alias expansion before it becomes a value.
 */
import {
  boolCoreTag,
  constructFromEvents,
  defineMappingTag,
  EVENT_ID,
  mergeTag,
  nullCoreTag,
  parseEvents,
  Schema,
  seqTag,
  strTag,
  YAMLException,
  type Event,
} from 'js-yaml';
import { ManifestError } from './manifest-error.js';
import { DEFAULT_MANIFEST_LIMITS, type ManifestLimits } from './manifest-limits.js';

/** Maps become `Map`s in document order: keys may be anything YAML allows, and none reaches a prototype. */
const mapAsMapTag = defineMappingTag<Map<unknown, unknown>>('tag:yaml.org,2002:map', {
  create: () => new Map(),
  addPair: (map, key, value) => {
    map.set(key, value);
    return '';
  },
  has: (map, key) => map.has(key),
  keys: (map) => map.keys(),
  get: (map, key) => map.get(key),
  identify: () => false,
});

/**
 * YAML 1.2 core schema minus the int and float tags: numbers stay the text the author wrote
 * (`1.10` stays `"1.10"`, `0755` stays `"0755"`), the way ReadyStackGo's string-typed loader
 * sees them. Fields that need numbers convert that text themselves. Merge keys are on: compose
 * files share settings with `<<: *defaults`.
 */
const manifestSchema = new Schema([strTag, seqTag, mapAsMapTag, nullCoreTag, boolCoreTag, mergeTag]);

/**
 * How many nodes expanding every alias would add to the document. The constructed value shares
 * what an alias points to, but whatever walks it later walks every path: a "billion laughs"
 * file is a few lines and billions of nodes. Linear in the events; stops once over `max`.
 */
function aliasExpansion(events: readonly Event[], source: string, max: number): number {
  const anchored = new Map<string, number>();
  /** Open collections: their size so far (themselves included) and their anchor. */
  const open: Array<{ size: number; anchor: string | null }> = [];
  let added = 0;
  const anchorOf = (event: { readonly anchorStart: number; readonly anchorEnd: number }): string | null =>
    event.anchorStart === -1 ? null : source.slice(event.anchorStart, event.anchorEnd);
  const close = (size: number, anchor: string | null): void => {
    if (anchor !== null) anchored.set(anchor, size);
    const parent = open.at(-1);
    if (parent !== undefined) parent.size += size;
  };
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING:
        open.push({ size: 1, anchor: anchorOf(event) });
        break;
      case EVENT_ID.POP: {
        // The last POP closes the document, which is no collection.
        const done = open.pop();
        if (done !== undefined) close(done.size, done.anchor);
        break;
      }
      case EVENT_ID.SCALAR:
        close(1, anchorOf(event));
        break;
      case EVENT_ID.ALIAS: {
        const size = anchored.get(source.slice(event.anchorStart, event.anchorEnd)) ?? 0;
        added += size;
        if (added > max) return added;
        close(size, null);
        break;
      }
      default:
        break;
    }
  }
  return added;
}

/**
 * Parses one manifest file's text. Maps become `Map`s (keys may be anything YAML allows, and no
 * key can reach an object prototype); scalars are strings, booleans or null.
 *
 * Rejects, with a {@link ManifestError} naming the file: text over `maxFileBytes`, text that
 * was not valid UTF-8 (it holds U+FFFD after decoding), nesting over `maxDepth`, alias
 * expansion over `maxAliasNodes`, duplicate keys, several documents, any YAML syntax error
 * (with its line and column).
 *
 * The catalog parses a file's content once (`parsed-manifest-cache.ts`), so a resync parses
 * only what changed.
 */
export function parseManifestYaml(text: string, file: string, limits: ManifestLimits = DEFAULT_MANIFEST_LIMITS): unknown {
  try {
    return parseBounded(text, file, limits);
  } catch (err) {
    if (err instanceof ManifestError) throw err;
    // Whatever else a hostile file provokes in the parser stays that file's problem, not the sync's.
    throw new ManifestError(file, [{ file, path: '', message: `cannot be parsed: ${err instanceof Error ? err.message : String(err)}` }]);
  }
}

function parseBounded(text: string, file: string, limits: ManifestLimits): unknown {
  const fail = (message: string): never => {
    throw new ManifestError(file, [{ file, path: '', message }]);
  };
  // A string's UTF-16 length never exceeds its UTF-8 byte length, so this cheap test is safe.
  if (text.length > limits.maxFileBytes || Buffer.byteLength(text, 'utf8') > limits.maxFileBytes) {
    fail(`file is larger than ${limits.maxFileBytes} bytes`);
  }
  if (text.includes('\uFFFD')) fail('file is not valid UTF-8');
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;

  try {
    // The event parser stops at the first level over maxDepth, before anything is built.
    const events = parseEvents(source, { maxDepth: limits.maxDepth });
    if (events.filter((event) => event.type === EVENT_ID.DOCUMENT).length > 1) fail('file holds several YAML documents; a manifest is one document');
    if (aliasExpansion(events, source, limits.maxAliasNodes) > limits.maxAliasNodes) fail('too many alias expansions (is this a "billion laughs" file?)');
    const [value = null] = constructFromEvents(events, { source, schema: manifestSchema });
    return value;
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    if (err.reason.startsWith('nesting exceeded maxDepth')) return fail(`nesting is deeper than ${limits.maxDepth} levels`);
    const at = err.mark === undefined ? '' : ` at line ${err.mark.line + 1}, column ${err.mark.column + 1}`;
    return fail(`invalid YAML${at}: ${err.reason}`);
  }
}
