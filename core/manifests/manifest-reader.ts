/**
 * Typed access to parsed YAML values that records a problem, with its path, instead of
 * throwing: a manifest is checked completely and every problem is reported at once.
 */
import { formatManifestPath, type ManifestIssue, type ManifestPath } from './manifest-error.js';

/** Where a reader's problems and warnings go; shared by the readers of one product's files. */
export interface ManifestIssueSink {
  readonly issues: ManifestIssue[];
  readonly warnings: ManifestIssue[];
}

/** A parsed YAML mapping with string keys, in document order. */
export type ManifestMapping = ReadonlyMap<string, unknown>;

/** Reads values of one file, recording problems against that file. */
export class ManifestReader {
  readonly file: string;
  readonly sink: ManifestIssueSink;

  constructor(file: string, sink: ManifestIssueSink = { issues: [], warnings: [] }) {
    this.file = file;
    this.sink = sink;
  }

  /** A reader for another file that reports into the same sink. */
  forFile(file: string): ManifestReader {
    return new ManifestReader(file, this.sink);
  }

  /** Records a problem that makes the product invalid. */
  problem(path: ManifestPath, message: string): void {
    this.sink.issues.push({ file: this.file, path: formatManifestPath(path), message });
  }

  /** Records something worth telling the author that does not stop the product loading. */
  warn(path: ManifestPath, message: string): void {
    this.sink.warnings.push({ file: this.file, path: formatManifestPath(path), message });
  }

  /** How many problems have been recorded so far, in any file of the sink. */
  get problemCount(): number {
    return this.sink.issues.length;
  }

  /**
   * A mapping, or undefined (with a problem unless absent). `null` and a missing value both
   * count as absent, because YAML writes an empty section as `key:`.
   */
  mapping(value: unknown, path: ManifestPath): ManifestMapping | undefined {
    if (value === undefined || value === null) return undefined;
    if (!(value instanceof Map)) {
      this.problem(path, 'expected a mapping');
      return undefined;
    }
    // Parsed maps have text keys only (js-yaml makes every key text): they are read as they are.
    let textKeys = true;
    for (const key of value.keys()) {
      if (typeof key !== 'string') {
        textKeys = false;
        break;
      }
    }
    if (textKeys) return value as ManifestMapping;
    const out = new Map<string, unknown>();
    for (const [key, item] of value) {
      if (typeof key === 'string') out.set(key, item);
      else if (typeof key === 'boolean') out.set(String(key), item);
      else this.problem(path, `keys must be plain scalars, found ${describe(key)}`);
    }
    return out;
  }

  /** A list, or undefined (with a problem unless absent). */
  list(value: unknown, path: ManifestPath): readonly unknown[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) {
      this.problem(path, 'expected a list');
      return undefined;
    }
    return value;
  }

  /** A string; undefined when absent or wrong (with a problem when wrong). */
  string(value: unknown, path: ManifestPath): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      this.problem(path, `expected a string, found ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  /** Like {@link string} but also takes `true`/`false` as their text (environment values, defaults). */
  scalarText(value: unknown, path: ManifestPath): string | undefined {
    if (typeof value === 'boolean') return String(value);
    return this.string(value, path);
  }

  /** A boolean, written as YAML `true`/`false` or the strings `"true"`/`"false"`. */
  boolean(value: unknown, path: ManifestPath): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
    this.problem(path, `expected true or false, found ${describe(value)}`);
    return undefined;
  }

  /** A finite number written as decimal text. */
  number(value: unknown, path: ManifestPath): number | undefined {
    if (value === undefined || value === null) return undefined;
    const parsed = typeof value === 'string' ? parseDecimal(value) : null;
    if (parsed === null) {
      this.problem(path, `expected a number, found ${describe(value)}`);
      return undefined;
    }
    return parsed;
  }

  /** An integer within `[min, max]`. */
  integer(value: unknown, path: ManifestPath, min: number, max: number): number | undefined {
    if (value === undefined || value === null) return undefined;
    const parsed = typeof value === 'string' && /^[+-]?\d+$/.test(value.trim()) ? Number(value) : null;
    if (parsed === null || parsed < min || parsed > max) {
      this.problem(path, `expected a whole number from ${min} to ${max}, found ${describe(value)}`);
      return undefined;
    }
    return parsed;
  }

  /** A list of strings; a single string is taken as a one-item list. */
  stringList(value: unknown, path: ManifestPath): string[] | undefined {
    if (typeof value === 'string') return [value];
    const items = this.list(value, path);
    if (items === undefined) return undefined;
    const out: string[] = [];
    items.forEach((item, index) => {
      const text = this.string(item, [...path, index]);
      if (text !== undefined) out.push(text);
      else if (item === null || item === undefined) this.problem([...path, index], 'expected a string, found nothing');
    });
    return out;
  }

  /**
   * Reads a field spelled either our way (`containerName`) or compose's way (`container_name`).
   * Both at once is a problem: which one wins would be a guess.
   */
  eitherKey(node: ManifestMapping, path: ManifestPath, ours: string, compose: string): { value: unknown; key: string } {
    const hasOurs = node.has(ours);
    if (hasOurs && node.has(compose)) this.problem([...path, compose], `give either ${ours} or ${compose}, not both`);
    return hasOurs ? { value: node.get(ours), key: ours } : { value: node.get(compose), key: compose };
  }
}

/** A decimal number (`12`, `-1.5`, `1e3`), or null; rejects the text `Number()` also accepts (`0x1f`, `''`). */
export function parseDecimal(text: string): number | null {
  const trimmed = text.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

/** A short description of a value for messages. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (value instanceof Map) return 'a mapping';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return String(value);
}
