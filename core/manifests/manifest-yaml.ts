/**
 * Safe YAML parsing for manifests. Catalog files come from remote repositories and registries,
 * so a file is bounded in size, nesting and alias expansion before it becomes a value.
 */
import { FAILSAFE_SCHEMA, load, types, YAMLException, type LoadOptions, type State } from 'js-yaml';
import { aliasExpansion } from '../alias-expansion.js';
import './js-yaml-published-types.js';
import { ManifestError } from './manifest-error.js';
import { DEFAULT_MANIFEST_LIMITS, type ManifestLimits } from './manifest-limits.js';

/**
 * Strings, lists and maps, plus YAML 1.2 core's null and booleans, without its int and float
 * tags: numbers stay the text the author wrote (`1.10` stays `"1.10"`, `0755` stays `"0755"`),
 * the way ReadyStackGo's string-typed loader sees them. Fields that need numbers convert that
 * text themselves. Merge keys are on: compose files share settings with `<<: *defaults`.
 */
const manifestSchema = FAILSAFE_SCHEMA.extend({ implicit: [types.null, types.bool, types.merge] });

/** js-yaml's reason for a second document in `load`. */
const SEVERAL_DOCUMENTS = 'expected a single document in the stream, but found more';

/**
 * The keys of each map in the order the file writes them. js-yaml builds maps as plain
 * objects, which list keys that look like whole numbers (`"8080"`) first; the parser's event
 * listener sees every node close in document order, so a map's keys are the results of every
 * other child node closed inside it.
 */
class KeyOrder {
  readonly #keys = new WeakMap<object, unknown[]>();
  /** Results of the nodes closed so far, innermost open node's children last. */
  readonly #closed: unknown[] = [];
  /** Where each open node's children start in `#closed`. */
  readonly #starts: number[] = [];

  readonly listener = (event: 'open' | 'close', state: State): void => {
    if (event === 'open') {
      this.#starts.push(this.#closed.length);
      return;
    }
    const start = this.#starts.pop() ?? 0;
    const result: unknown = state.result;
    // An alias closes too, with the node it names: that node's own order was kept when it closed.
    if (state.kind === 'mapping' && typeof result === 'object' && result !== null && !this.#keys.has(result)) {
      const keys: unknown[] = [];
      for (let index = start; index < this.#closed.length; index += 2) keys.push(this.#closed[index]);
      this.#keys.set(result, keys);
    }
    this.#closed.length = start;
    this.#closed.push(result);
  };

  /** The keys of `object` as the file wrote them, as js-yaml turns them into property names. */
  written(object: object): string[] | undefined {
    return this.#keys.get(object)?.map(keyText);
  }
}

/** A key as js-yaml turns it into a property name. */
function keyText(key: unknown): string {
  if (typeof key === 'object' && key !== null && !Array.isArray(key)) return '[object Object]';
  return String(key);
}

/** A property name that objects list before all others. */
const indexLike = /^(?:0|[1-9]\d{0,9})$/;

/**
 * Turns js-yaml's value into the manifest's: maps as `Map`s (no key can reach an object
 * prototype), in document order when `order` knows it. What an alias shares stays shared.
 */
class ManifestValue {
  readonly #file: string;
  readonly #maxDepth: number;
  readonly #order: KeyOrder | null;
  /** Objects already turned, when the text may hold aliases (only then are objects shared). */
  readonly #built: Map<object, unknown> | null;
  /** Lists and maps open around the value being turned. */
  #depth = 0;
  /** Set when a map listed a whole-number key first and no order was known: its order is the object's. */
  unordered = false;

  constructor(file: string, limits: ManifestLimits, order: KeyOrder | null, shared: boolean) {
    this.#file = file;
    this.#maxDepth = limits.maxDepth;
    this.#order = order;
    this.#built = shared ? new Map() : null;
  }

  of(value: unknown): unknown {
    if (value === null || typeof value !== 'object') return value;
    const known = this.#built?.get(value);
    if (known !== undefined) return known;
    // The exact limit: js-yaml's own, a level or two wider depending on the shape, only bounds the parse.
    if (++this.#depth > this.#maxDepth) refuse(this.#file, `nesting is deeper than ${this.#maxDepth} levels`);
    let out: unknown;
    if (Array.isArray(value)) {
      const list: unknown[] = new Array<unknown>(value.length);
      for (let index = 0; index < value.length; index++) list[index] = this.of(value[index]);
      out = list;
    } else {
      out = this.#map(value as Record<string, unknown>);
    }
    this.#depth -= 1;
    this.#built?.set(value, out);
    return out;
  }

  #map(object: Record<string, unknown>): Map<string, unknown> {
    const map = new Map<string, unknown>();
    if (this.#order === null) {
      const keys = Object.keys(object);
      if (indexLike.test(keys[0] ?? '')) this.unordered = true;
      for (const key of keys) map.set(key, this.of(object[key]));
      return map;
    }
    const written = this.#order.written(object) ?? [];
    for (const key of written) {
      // A merge (`<<`) brings its keys where it is written, but for those the map writes itself.
      const keys = key === '<<' && !Object.hasOwn(object, key) ? Object.keys(object).filter((merged) => !written.includes(merged)) : [key];
      for (const one of keys) if (Object.hasOwn(object, one) && !map.has(one)) map.set(one, this.of(object[one]));
    }
    // Anything the listener did not see follows in the object's own order.
    for (const key of Object.keys(object)) if (!map.has(key)) map.set(key, this.of(object[key]));
    return map;
  }
}

/**
 * Parses one manifest file's text. Maps become `Map`s in document order (keys may be anything
 * YAML allows, as text, and no key can reach an object prototype); scalars are strings,
 * booleans or null.
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

/** Throws the ManifestError of a file that is no manifest as a whole. */
function refuse(file: string, message: string): never {
  throw new ManifestError(file, [{ file, path: '', message }]);
}

function parseBounded(text: string, file: string, limits: ManifestLimits): unknown {
  // A string's UTF-16 length never exceeds its UTF-8 byte length, so this cheap test is safe.
  if (text.length > limits.maxFileBytes || Buffer.byteLength(text, 'utf8') > limits.maxFileBytes) {
    refuse(file, `file is larger than ${limits.maxFileBytes} bytes`);
  }
  if (text.includes('\uFFFD')) refuse(file, 'file is not valid UTF-8');
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;

  // Without an alias nothing is shared and nothing can expand.
  const shared = source.includes('*');
  const value = loadBounded(source, file, limits, null);
  if (shared && aliasExpansion(value, limits.maxAliasNodes) > limits.maxAliasNodes) refuse(file, 'too many alias expansions (is this a "billion laughs" file?)');
  const built = new ManifestValue(file, limits, null, shared);
  const manifest = built.of(value);
  if (!built.unordered) return manifest;
  // A map lists a whole-number key first: parsed again, this time noting the order keys are written in.
  const order = new KeyOrder();
  return new ManifestValue(file, limits, order, shared).of(loadBounded(source, file, limits, order));
}

/**
 * How js-yaml is asked to read a manifest. Its depth counts up to two levels besides the lists
 * and maps (the document, the scalar at the bottom), so it is given two more; it stops at the
 * first node past that, before going deeper, and the exact limit is kept on the value.
 */
function loadOptions(limits: ManifestLimits, listener?: (event: 'open' | 'close', state: State) => void): LoadOptions {
  return { schema: manifestSchema, maxDepth: limits.maxDepth + 2, ...(listener === undefined ? {} : { listener }) };
}

function loadBounded(source: string, file: string, limits: ManifestLimits, order: KeyOrder | null): unknown {
  try {
    return load(source, loadOptions(limits, order?.listener)) ?? null;
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    if (err.reason === SEVERAL_DOCUMENTS) return refuse(file, 'file holds several YAML documents; a manifest is one document');
    if (err.reason.startsWith('nesting exceeded maxDepth')) return refuse(file, `nesting is deeper than ${limits.maxDepth} levels`);
    const at = err.mark === undefined ? '' : ` at line ${err.mark.line + 1}, column ${err.mark.column + 1}`;
    return refuse(file, `invalid YAML${at}: ${unknownTagReason(err.reason, source, limits)}`);
  }
}

/**
 * js-yaml's reason for a tag no schema type has, naming the kind of node it was on (the
 * parser's state tells, so the failing text is read once more to learn it).
 */
function unknownTagReason(reason: string, source: string, limits: ManifestLimits): string {
  const tag = /^unknown tag !<(.*)>$/.exec(reason)?.[1];
  if (tag === undefined) return reason;
  const shown = tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : `!<${tag}>`;
  let parser: State | undefined;
  try {
    load(source, loadOptions(limits, (_event, state) => void (parser = state)));
  } catch {
    // The same failure again: the parser's state now holds the kind of node it failed on.
  }
  const kind = parser?.kind;
  return kind === 'mapping' || kind === 'sequence' || kind === 'scalar' ? `unknown ${kind} tag ${shown}` : `unknown tag ${shown}`;
}
