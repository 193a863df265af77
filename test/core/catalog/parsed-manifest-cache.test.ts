import test from 'ava';
import { DEFAULT_MANIFEST_LIMITS } from '../../../core/manifests/manifest-limits.js';
import { inMemorySourceFiles } from '../../../core/catalog/in-memory-source-files.js';
import type { ProductManifest } from '../../../core/manifests/manifest-model.js';
import { ParsedFileStore } from '../../../core/catalog/parsed-file-store.js';
import { ParsedManifestCache } from '../../../core/catalog/parsed-manifest-cache.js';
import { readSourceManifests } from '../../../core/catalog/read-source-manifests.js';

/** A parse that counts its calls and returns a fresh object each time. */
function countingParse(): { parse: (text: string) => () => unknown; calls: string[] } {
  const calls: string[] = [];
  return { calls, parse: (text) => () => (calls.push(text), { text }) };
}

test('A text parsed in the last sync is not parsed again; a changed text is', (t) => {
  const cache = new ParsedManifestCache();
  const { parse, calls } = countingParse();
  cache.beginSync();
  const first = cache.parse('a: 1\n', DEFAULT_MANIFEST_LIMITS, parse('a: 1\n'));
  cache.parse('b: 1\n', DEFAULT_MANIFEST_LIMITS, parse('b: 1\n'));
  cache.beginSync();
  t.is(cache.parse('a: 1\n', DEFAULT_MANIFEST_LIMITS, parse('a: 1\n')), first);
  t.deepEqual(cache.parse('b: 2\n', DEFAULT_MANIFEST_LIMITS, parse('b: 2\n')), { text: 'b: 2\n' });
  t.deepEqual(calls, ['a: 1\n', 'b: 1\n', 'b: 2\n']);
});

test('A text is parsed again under other limits, and once a sync has passed without it', (t) => {
  const cache = new ParsedManifestCache();
  const { parse, calls } = countingParse();
  cache.beginSync();
  cache.parse('a: 1\n', DEFAULT_MANIFEST_LIMITS, parse('a: 1\n'));
  cache.parse('a: 1\n', { ...DEFAULT_MANIFEST_LIMITS, maxDepth: 2 }, parse('a: 1\n'));
  cache.beginSync();
  cache.beginSync();
  cache.parse('a: 1\n', DEFAULT_MANIFEST_LIMITS, parse('a: 1\n'));
  t.deepEqual(calls, ['a: 1\n', 'a: 1\n', 'a: 1\n']);
});

test('A parse that throws is not kept', (t) => {
  const cache = new ParsedManifestCache();
  let calls = 0;
  const failing = () => {
    calls += 1;
    throw new Error('broken');
  };
  cache.beginSync();
  t.throws(() => cache.parse('[', DEFAULT_MANIFEST_LIMITS, failing));
  t.throws(() => cache.parse('[', DEFAULT_MANIFEST_LIMITS, failing));
  t.is(calls, 2);
});

test('Sources sharing a store parse a text once between them; it is dropped when no source uses it any more', (t) => {
  const store = new ParsedFileStore();
  const one = new ParsedManifestCache(store);
  const two = new ParsedManifestCache(store);
  const { parse, calls } = countingParse();
  one.beginSync();
  two.beginSync();
  const first = one.parse('a: 1\n', DEFAULT_MANIFEST_LIMITS, parse('a: 1\n'));
  t.is(two.parse('a: 1\n', DEFAULT_MANIFEST_LIMITS, parse('a: 1\n')), first);

  // `one` stops using it; `two` still holds it.
  one.beginSync();
  one.beginSync();
  two.beginSync();
  t.is(two.parse('a: 1\n', DEFAULT_MANIFEST_LIMITS, parse('a: 1\n')), first);
  t.deepEqual(calls, ['a: 1\n']);

  two.beginSync();
  two.beginSync();
  t.is(store.size, 0);
  t.not(one.parse('a: 1\n', DEFAULT_MANIFEST_LIMITS, parse('a: 1\n')), first);
  t.deepEqual(calls, ['a: 1\n', 'a: 1\n']);
});

/** Three products: one inline, one including a fragment that includes another, one inline. */
const catalogFiles = (changes: Readonly<Record<string, string | null>> = {}) => {
  const files: Record<string, string> = {
    'inline.yaml': 'metadata: { name: Inline, productVersion: "1.0.0" }\nservices:\n  web: { image: example/web:1 }\n',
    'composed.yaml': 'metadata: { name: Composed, productVersion: "1.0.0" }\nstacks:\n  app: { include: parts/app.yaml }\n',
    'parts/app.yaml': 'services:\n  include: [db.yaml]\n  app: { image: example/app:1 }\n',
    'parts/db.yaml': 'db: { image: example/db:1 }\n',
    'other.yaml': 'metadata: { name: Other, productVersion: "1.0.0" }\nservices:\n  worker: { image: example/worker:1 }\n',
  };
  for (const [path, text] of Object.entries(changes)) {
    if (text === null) delete files[path];
    else files[path] = text;
  }
  return inMemorySourceFiles(files);
};

const byName = (products: readonly ProductManifest[]) => new Map(products.map((product) => [product.name, product]));
const images = (product: ProductManifest | undefined) => product?.stacks.flatMap((stack) => stack.services.map((service) => service.image));

test('A product whose files are all unchanged is not built again; one that read a changed file is, however deep the include', async (t) => {
  const cache = new ParsedManifestCache();
  const first = byName((await readSourceManifests('src', catalogFiles(), {}, cache)).products);

  const second = byName((await readSourceManifests('src', catalogFiles({ 'parts/db.yaml': 'db: { image: example/db:2 }\n' }), {}, cache)).products);

  t.is(second.get('Inline'), first.get('Inline'));
  t.is(second.get('Other'), first.get('Other'));
  t.not(second.get('Composed'), first.get('Composed'));
  t.deepEqual(images(second.get('Composed')), ['example/db:2', 'example/app:1']);

  const third = byName((await readSourceManifests('src', catalogFiles({ 'parts/db.yaml': 'db: { image: example/db:2 }\n', 'other.yaml': 'metadata: { name: Other, productVersion: "1.0.1" }\nservices:\n  worker: { image: example/worker:1 }\n' }), {}, cache)).products);

  t.is(third.get('Inline'), first.get('Inline'));
  t.is(third.get('Composed'), second.get('Composed'));
  t.is(third.get('Other')?.version, '1.0.1');
});

test('A product is built again when an include it read is gone, and under other include limits', async (t) => {
  const cache = new ParsedManifestCache();
  await readSourceManifests('src', catalogFiles(), {}, cache);

  const missing = await readSourceManifests('src', catalogFiles({ 'parts/db.yaml': null }), {}, cache);

  t.deepEqual(missing.products.map((product) => product.name).sort(), ['Inline', 'Other']);
  t.deepEqual(missing.warnings, [{ file: 'composed.yaml', message: 'parts/app.yaml: services.include[0]: "db.yaml" cannot be read (ENOENT)' }]);

  const back = await readSourceManifests('src', catalogFiles(), {}, cache);
  t.deepEqual(images(byName(back.products).get('Composed')), ['example/db:1', 'example/app:1']);

  const shallow = await readSourceManifests('src', catalogFiles(), { maxIncludeDepth: 1 }, cache);
  t.deepEqual(shallow.warnings, [{ file: 'composed.yaml', message: 'parts/app.yaml: services.include[0]: includes are nested more than 1 deep' }]);
});

test('Two sources with the same files share the parsed files and still get products of their own', async (t) => {
  const store = new ParsedFileStore();
  const one = await readSourceManifests('one', catalogFiles(), {}, new ParsedManifestCache(store));
  const kept = store.size;
  const two = await readSourceManifests('two', catalogFiles(), {}, new ParsedManifestCache(store));

  t.is(kept, 5);
  t.is(store.size, kept);
  t.deepEqual(one.products.map((product) => product.groupId).sort(), ['one:Composed', 'one:Inline', 'one:Other']);
  t.deepEqual(two.products.map((product) => product.groupId).sort(), ['two:Composed', 'two:Inline', 'two:Other']);
});
