import test from 'ava';
import { DEFAULT_MANIFEST_LIMITS } from '../../../core/catalog/manifest-limits.js';
import { ParsedManifestCache } from '../../../core/catalog/parsed-manifest-cache.js';

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
