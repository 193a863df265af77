import test from 'ava';
import { ManifestError } from '../../../core/manifests/manifest-error.js';
import { DEFAULT_MANIFEST_LIMITS } from '../../../core/manifests/manifest-limits.js';
import { parseManifestYaml } from '../../../core/manifests/manifest-yaml.js';
import { readSourceManifests } from '../../../core/catalog/read-source-manifests.js';
import { tempSource } from '../../support/temp-source-files.js';

const billionLaughs = `metadata: { name: Lol, productVersion: "1.0.0" }
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
services:
  web: { image: x }
`;

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ManifestError) return err.issues.map((issue) => issue.message).join('; ');
    throw err;
  }
  throw new Error('expected a ManifestError');
}

test('A billion-laughs file is rejected instead of expanded', async (t) => {
  const source = await tempSource(t, { 'lol.yaml': billionLaughs });
  const { products, warnings } = await readSourceManifests('src', source.files);
  t.deepEqual(products, []);
  t.deepEqual(warnings, [{ file: 'lol.yaml', message: 'too many alias expansions (is this a "billion laughs" file?)' }]);
});

test('A file over the size limit is rejected', async (t) => {
  const big = `metadata: { name: Big, productVersion: "1.0.0" }\nservices:\n  web: { image: x }\n# ${'x'.repeat(DEFAULT_MANIFEST_LIMITS.maxFileBytes)}\n`;
  const source = await tempSource(t, { 'big.yaml': big });
  const { warnings } = await readSourceManifests('src', source.files);
  t.deepEqual(warnings, [{ file: 'big.yaml', message: 'file is larger than 1048576 bytes' }]);
});

test('The size limit counts UTF-8 bytes, not characters', (t) => {
  const text = `a: "${'é'.repeat(60)}"`; // 60 characters, 120 bytes
  t.is(messageOf(() => parseManifestYaml(text, 'f.yaml', { ...DEFAULT_MANIFEST_LIMITS, maxFileBytes: 100 })), 'file is larger than 100 bytes');
});

test('Deeply nested flow collections are rejected before they are built', (t) => {
  const text = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
  t.is(messageOf(() => parseManifestYaml(text, 'f.yaml')), 'nesting is deeper than 64 levels');
});

test('Deeply nested compact block sequences are rejected before they are built', (t) => {
  t.is(messageOf(() => parseManifestYaml(`${'- '.repeat(50_000)}x`, 'f.yaml')), 'nesting is deeper than 64 levels');
});

test('Nesting within the limit is accepted', (t) => {
  const text = `${'['.repeat(30)}1${']'.repeat(30)}`;
  t.notThrows(() => parseManifestYaml(text, 'f.yaml'));
});

test('A value inside 64 levels of lists or maps is accepted, inside 65 it is not', (t) => {
  const lists = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;
  const maps = (levels: number) => Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x\n';
  t.notThrows(() => parseManifestYaml(lists(64), 'f.yaml'));
  t.notThrows(() => parseManifestYaml(maps(64), 'f.yaml'));
  t.is(messageOf(() => parseManifestYaml(lists(65), 'f.yaml')), 'nesting is deeper than 64 levels');
  t.is(messageOf(() => parseManifestYaml(maps(65), 'f.yaml')), 'nesting is deeper than 64 levels');
});

test('A file that was not valid UTF-8 is rejected with a clear message', async (t) => {
  const bytes = Buffer.concat([Buffer.from('metadata: { name: Bad, productVersion: "1.0.0" }\n# '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('\n')]);
  const source = await tempSource(t, { 'bad.yaml': bytes });
  const { warnings } = await readSourceManifests('src', source.files);
  t.deepEqual(warnings, [{ file: 'bad.yaml', message: 'file is not valid UTF-8' }]);
});

test('A file the source cannot read is reported without a host path', async (t) => {
  const source = await tempSource(t, { 'a.yaml': 'x: 1\n' });
  const files = { ...source.files, files: ['gone.yaml'] };
  const { warnings } = await readSourceManifests('src', files);
  t.deepEqual(warnings, [{ file: 'gone.yaml', message: 'cannot be read (ENOENT)' }]);
});

test('Duplicate keys are rejected with their line', (t) => {
  t.is(messageOf(() => parseManifestYaml('a: 1\nb: 2\na: 3\n', 'f.yaml')), 'invalid YAML at line 3, column 1: duplicated mapping key');
});

test('A file with several YAML documents is rejected', (t) => {
  t.is(messageOf(() => parseManifestYaml('a: 1\n---\nb: 2\n', 'f.yaml')), 'file holds several YAML documents; a manifest is one document');
});

test('A byte-order mark at the start is accepted', (t) => {
  t.deepEqual(parseManifestYaml('\uFEFFa: b\n', 'f.yaml'), new Map([['a', 'b']]));
});

test('Maps become Map objects so a __proto__ key stays an ordinary key', (t) => {
  const parsed = parseManifestYaml('__proto__: { polluted: true }\n', 'f.yaml');
  t.true(parsed instanceof Map);
  t.true(parsed instanceof Map && parsed.get('__proto__') instanceof Map);
  t.is(({} as Record<string, unknown>)['polluted'], undefined);
});

test('Scalars keep their text: numbers stay strings, booleans and null stay typed', (t) => {
  t.deepEqual(
    parseManifestYaml('a: 1.10\nb: 0755\nc: true\nd: ~\ne: "1.0"\n', 'f.yaml'),
    new Map<string, unknown>([
      ['a', '1.10'],
      ['b', '0755'],
      ['c', true],
      ['d', null],
      ['e', '1.0'],
    ]),
  );
});

test('Maps keep the order their keys are written in, keys that look like numbers too', (t) => {
  const parsed = parseManifestYaml('labels:\n  zeta: a\n  "8080": b\n  alpha: c\n  "10": d\n', 'f.yaml');
  t.true(parsed instanceof Map);
  const labels = parsed instanceof Map ? parsed.get('labels') : undefined;
  t.deepEqual(labels instanceof Map ? [...labels.keys()] : [], ['zeta', '8080', 'alpha', '10']);
});

test('A merge brings its keys where it is written, and the keys the map writes itself win', (t) => {
  const entriesOf = (text: string) => {
    const parsed = parseManifestYaml(text, 'f.yaml');
    const web = parsed instanceof Map ? parsed.get('web') : undefined;
    return web instanceof Map ? [...web.entries()] : [];
  };
  const base = 'base: &base { image: web, restart: always }\n';
  t.deepEqual(entriesOf(`${base}web:\n  name: first\n  <<: *base\n  restart: "no"\n`), [
    ['name', 'first'],
    ['image', 'web'],
    ['restart', 'no'],
  ]);
  // A key that looks like a number makes the parser note the written order: the same result.
  t.deepEqual(entriesOf(`${base}web:\n  "2": two\n  name: first\n  <<: *base\n  restart: "no"\n`), [
    ['2', 'two'],
    ['name', 'first'],
    ['image', 'web'],
    ['restart', 'no'],
  ]);
});

test('An unknown tag is refused, naming the kind of node it is on', (t) => {
  t.is(messageOf(() => parseManifestYaml('a: !!python/name:os.system x\n', 'f.yaml')), 'invalid YAML at line 1, column 29: unknown scalar tag !!python/name:os.system');
  t.regex(messageOf(() => parseManifestYaml('a: !custom { b: c }\n', 'f.yaml')), /^invalid YAML at line 1, column \d+: unknown mapping tag !<!custom>$/);
});

test('An empty file parses to null', (t) => {
  t.is(parseManifestYaml('', 'f.yaml'), null);
});

test('Alias expansion is counted in the nodes it adds, nested aliases included', (t) => {
  // [*a, *a] adds 2 × 4 nodes, so b stands for 9; [*b, *b] adds 18 more: 26 in all.
  const text = 'a: &a [x, y, z]\nb: &b [*a, *a]\nc: [*b, *b]\n';
  t.notThrows(() => parseManifestYaml(text, 'f.yaml', { ...DEFAULT_MANIFEST_LIMITS, maxAliasNodes: 26 }));
  t.is(messageOf(() => parseManifestYaml(text, 'f.yaml', { ...DEFAULT_MANIFEST_LIMITS, maxAliasNodes: 25 })), 'too many alias expansions (is this a "billion laughs" file?)');
});

test('A YAML syntax error names its line and column', (t) => {
  t.is(messageOf(() => parseManifestYaml('a: b\n  c: d\n', 'f.yaml')), 'invalid YAML at line 2, column 4: bad indentation of a mapping entry');
});
