/**
 * Safe YAML parsing for manifests. Catalog files come from remote repositories and registries,
 * so a file is bounded in size, nesting and alias expansion before it becomes a value.
 */
import { Composer, CST, Lexer, LineCounter, Parser, type Tags, type YAMLError } from 'yaml';
import { ManifestError, type ManifestIssue } from './manifest-error.js';
import { DEFAULT_MANIFEST_LIMITS, type ManifestLimits } from './manifest-limits.js';

/**
 * YAML 1.2 core schema minus the int and float tags: numbers stay the text the author wrote
 * (`1.10` stays `"1.10"`, `0755` stays `"0755"`), the way ReadyStackGo's string-typed loader
 * sees them. Fields that need numbers convert that text themselves.
 */
function withoutNumberTags(tags: Tags): Tags {
  // The base schema hands over tag objects; names (strings) only appear in user-given lists.
  return tags.filter((tag) => typeof tag === 'string' || !/:(int|float)$/.test(tag.tag));
}

/**
 * Lexes and parses `source` into CST tokens in one pass, watching the lexer's tokens for the
 * first sign of excess: flow nesting (`[[[[...`) and block indicators crowded on one line
 * (`- - - - x`) are the two ways a small file nests deeply, and the CST parser is slow on both,
 * so it stops before the parser sees the excess. Nesting by indentation needs a quadratic
 * amount of text, so the size limit already bounds it. `null` when the file nests too deeply.
 * (One pass: a separate lexer pass cost a fifth of the parse time.)
 */
function lexAndParse(source: string, maxDepth: number, lines: LineCounter): CST.Token[] | null {
  const parser = new Parser(lines.addNewLine);
  lines.addNewLine(0); // what Parser.parse does before the first token
  const tokens: CST.Token[] = [];
  let flow = 0;
  let onLine = 0;
  for (const lexeme of new Lexer().lex(source)) {
    switch (CST.tokenType(lexeme)) {
      case 'flow-seq-start':
      case 'flow-map-start':
        flow++;
        break;
      case 'flow-seq-end':
      case 'flow-map-end':
        flow = Math.max(0, flow - 1);
        break;
      case 'seq-item-ind':
      case 'explicit-key-ind':
      case 'map-value-ind':
        onLine++;
        break;
      case 'newline':
        onLine = 0;
        break;
      default:
        break;
    }
    if (flow > maxDepth || onLine > maxDepth) return null;
    for (const token of parser.next(lexeme)) tokens.push(token);
  }
  for (const token of parser.end()) tokens.push(token);
  return tokens;
}

/**
 * Nesting depth of a CST, walked with an explicit stack: the tree may be arbitrarily deep,
 * which is the very thing being measured, so recursion could overflow.
 */
function cstDepth(tokens: readonly CST.Token[], stopAbove: number): number {
  let max = 0;
  const pending: Array<[CST.Token, number]> = tokens.map((token) => [token, 0]);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [token, depth] = next;
    if (depth > max) max = depth;
    if (max > stopAbove) return max;
    if (token.type === 'document') {
      if (token.value) pending.push([token.value, depth]);
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      for (const item of token.items) {
        if (item.key) pending.push([item.key, depth + 1]);
        if (item.value) pending.push([item.value, depth + 1]);
      }
    }
  }
  return max;
}

/** `line 3, column 5: <first line of the message>`: the rest of yaml's message is a snippet. */
function describeYamlError(error: YAMLError, lines: LineCounter): string {
  const { line, col } = lines.linePos(error.pos[0]);
  const first = (error.message.split('\n')[0] ?? '').replace(/:$/, '');
  return `invalid YAML at line ${line}, column ${col}: ${first}`;
}

/**
 * Parses one manifest file's text. Maps become `Map`s (keys may be anything YAML allows, and no
 * key can reach an object prototype); scalars are strings, booleans or null.
 *
 * Rejects, with a {@link ManifestError} naming the file: text over `maxFileBytes`, text that
 * was not valid UTF-8 (it holds U+FFFD after decoding), nesting over `maxDepth`, alias
 * expansion over `maxAliasCount`, duplicate keys, several documents, any YAML syntax error.
 *
 * Each file is parsed one way only; what keeps a resync cheap is that the catalog parses a
 * file's content once (`parsed-manifest-cache.ts`).
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

  const tooDeep = `nesting is deeper than ${limits.maxDepth} levels`;
  const lines = new LineCounter();
  // The CST parser is iterative, so it is safe on hostile nesting; the composer that follows
  // recurses and only runs once the depth is known to be bounded.
  const tokens = lexAndParse(source, limits.maxDepth, lines) ?? fail(tooDeep);
  const depth = cstDepth(tokens, limits.maxDepth);
  if (depth > limits.maxDepth) fail(tooDeep);

  const composer = new Composer({
    version: '1.2',
    merge: true, // compose files share settings with `<<: *defaults`
    uniqueKeys: true,
    customTags: withoutNumberTags,
    prettyErrors: false,
  });
  const docs = Array.from(composer.compose(tokens, true, source.length));
  if (docs.length > 1) fail('file holds several YAML documents; a manifest is one document');
  const doc = docs[0];
  if (doc === undefined) return null;
  if (doc.errors.length > 0) {
    const issues: ManifestIssue[] = doc.errors.map((error) => ({ file, path: '', message: describeYamlError(error, lines) }));
    throw new ManifestError(file, issues);
  }
  try {
    return doc.toJS({ mapAsMap: true, maxAliasCount: limits.maxAliasCount });
  } catch (err) {
    // yaml throws a ReferenceError when alias expansion passes maxAliasCount.
    if (err instanceof ReferenceError && /alias/i.test(err.message)) return fail('too many alias expansions (is this a "billion laughs" file?)');
    throw err;
  }
}
