/**
 * The quick way through a manifest. Most manifests are plain YAML: one document of maps, lists
 * and scalars, with no anchors, aliases, tags or merge keys. js-yaml's event parser reads such
 * a file several times faster than the `yaml` package's CST, composer and document. Anything
 * else is declined, and `parseManifestYaml` takes the precise way, so what it refuses, and how
 * it says so, never depends on this module.
 */
import {
  boolCoreTag,
  constructFromEvents,
  defineMappingTag,
  EVENT_ID,
  nullCoreTag,
  parseEvents,
  Schema,
  seqTag,
  strTag,
  type Event,
  type ScalarEvent,
} from 'js-yaml';
import type { ManifestLimits } from './manifest-limits.js';

/**
 * Longest key taken here. The precise parser refuses implicit keys over 1024 characters of
 * source, and an escaped key's source can be up to ten times its text.
 */
const MAX_KEY_LENGTH = 100;

/** Keys the precise parser gives the same value: scalars, short, and never a merge key. */
const isPlainKey = (key: unknown): boolean =>
  key === null || typeof key === 'boolean' || (typeof key === 'string' && key.length <= MAX_KEY_LENGTH && key !== '<<');

/** Maps become `Map`s in document order, as in the precise parser; any other key declines the file. */
const plainMapTag = defineMappingTag<Map<unknown, unknown>>('tag:yaml.org,2002:map', {
  create: () => new Map(),
  addPair: (map, key, value) => {
    if (!isPlainKey(key)) return 'not a plain key';
    map.set(key, value);
    return '';
  },
  has: (map, key) => map.has(key),
  keys: (map) => map.keys(),
  get: (map, key) => map.get(key),
  identify: () => false,
});

/** The YAML 1.2 core schema without int and float, as in the precise parser: numbers stay text. */
const plainSchema = new Schema([strTag, seqTag, plainMapTag, nullCoreTag, boolCoreTag]);

const hasProperties = (event: { readonly anchorStart: number; readonly tagStart: number }): boolean => event.anchorStart !== -1 || event.tagStart !== -1;

/**
 * Whether the events are one document without directives, anchors, tags or aliases, whose
 * collections never nest more than `maxDepth` deep (the precise parser's measure; a flow
 * collection is a collection, so its bound on flow nesting holds too).
 */
function isPlainDocument(events: readonly Event[], maxDepth: number): boolean {
  let documents = 0;
  let open = 0;
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        documents++;
        if (documents > 1 || event.directives.length > 0) return false;
        break;
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING:
        open++;
        if (open > maxDepth || hasProperties(event)) return false;
        break;
      case EVENT_ID.SCALAR:
        if (hasProperties(event)) return false;
        break;
      case EVENT_ID.ALIAS:
        return false;
      case EVENT_ID.POP:
        // The last one closes the document.
        open = Math.max(0, open - 1);
        break;
    }
  }
  return documents === 1;
}

/** `:`, `-` or `?`, the characters of the block indicators the precise parser counts per line. */
const isIndicator = (code: number): boolean => code === 0x3a || code === 0x2d || code === 0x3f;

/**
 * Whether a line may hold more than `maxDepth` block indicators, which the precise parser
 * refuses as nesting (`- - - x`). Counts every `:`, `-` and `?` outside scalars and comments,
 * and a line runs on through a scalar that spans lines: never fewer than the parser counts.
 */
function mayCrowdIndicators(source: string, scalars: readonly ScalarEvent[], maxDepth: number): boolean {
  let onLine = 0;
  let at = 0;
  for (let next = 0; at < source.length; next++) {
    const scalar = scalars[next];
    const end = scalar === undefined ? source.length : Math.max(at, scalar.valueStart);
    while (at < end) {
      const code = source.charCodeAt(at);
      if (code === 0x0a) onLine = 0;
      else if (code === 0x23 /* # */) {
        // A `#` outside scalars starts a comment, which runs to the end of its line.
        const newline = source.indexOf('\n', at);
        at = newline === -1 || newline > end ? end : newline;
        continue;
      } else if (isIndicator(code) && ++onLine > maxDepth) return true;
      at++;
    }
    if (scalar !== undefined) at = Math.max(at, scalar.valueEnd);
  }
  return false;
}

/**
 * The value of `source` as the precise parser would make it, or null when the file is not
 * plain YAML (see the module comment), is invalid, or comes near a limit. `source` is already
 * within the size limit, valid UTF-8 and without a byte-order mark.
 */
export function parsePlainManifestYaml(source: string, limits: ManifestLimits): { readonly value: unknown } | null {
  // Tabs and merge keys are where YAML parsers differ most; such files take the precise way.
  if (source.includes('\t') || source.includes('<<')) return null;
  try {
    // One level more than allowed, so the depth check below sees a file that passes the limit.
    const events = parseEvents(source, { maxDepth: limits.maxDepth + 1 });
    if (!isPlainDocument(events, limits.maxDepth)) return null;
    const scalars = events.filter((event): event is ScalarEvent => event.type === EVENT_ID.SCALAR);
    if (mayCrowdIndicators(source, scalars, limits.maxDepth)) return null;
    const [value] = constructFromEvents(events, { source, schema: plainSchema, maxAliases: 0 });
    return { value };
  } catch {
    // Whatever js-yaml refuses is the precise parser's to explain.
    return null;
  }
}
