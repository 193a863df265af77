import test from 'ava';
import { CurrentPlugins, type PluginGeneration } from '../../../core/hooks/current-plugins.js';
import { createHostHooks } from '../../../core/hooks/host-hooks.js';
import { RuntimeRegistry } from '../../../core/hooks/runtime-registry.js';

/** A plugin set whose authenticate hook answers `label`, and which records its closing in `closed`. */
function generation(label: string, closed: string[]): PluginGeneration & { label: string } {
  const hooks = createHostHooks();
  hooks.authenticate.tapPromise('probe', async () => ({ kind: 'user' as const, id: label, name: label, permissions: [], environmentId: null }));
  return { label, hooks, runtimes: new RuntimeRegistry(), close: async () => void closed.push(label) };
}

const request = { method: 'GET', path: '/', ip: '127.0.0.1', headers: {}, requestId: 'r' };
const answeredBy = async (plugins: CurrentPlugins<PluginGeneration>) => (await plugins.hooks.authenticate.promise(request))?.name;

test('work in use() keeps the set it started on after a replace; other callers get the new set at once', async (t) => {
  const closed: string[] = [];
  const plugins = new CurrentPlugins<PluginGeneration & { label: string }>();
  t.is(plugins.replace(generation('one', closed)), null);
  let resume!: () => void;
  const paused = new Promise<void>((done) => (resume = done));
  const seen: Array<string | undefined> = [];
  const work = plugins.use(async () => {
    seen.push(await answeredBy(plugins));
    await paused;
    // Nested work stays on the same set and does not close it early.
    seen.push(await plugins.use(async () => answeredBy(plugins)));
    seen.push(plugins.generation.label);
  });

  t.is(plugins.replace(generation('two', closed))?.label, 'one');
  t.is(await answeredBy(plugins), 'two');
  t.deepEqual(closed, [], 'the replaced set is still in use');
  resume();
  await work;
  t.deepEqual(seen, ['one', 'one', 'one']);
  t.deepEqual(closed, ['one']);
});

/** Work in use() that waits for `resume()`, then asks which set answers. */
function pausedWork(plugins: CurrentPlugins<PluginGeneration>) {
  let resume!: () => void;
  const paused = new Promise<void>((done) => (resume = done));
  const answer = plugins.use(async () => {
    await paused;
    return answeredBy(plugins);
  });
  return { answer, resume };
}

test('work that ends leaves other work on its own set, and work started after all ended pins its set again', async (t) => {
  const closed: string[] = [];
  const plugins = new CurrentPlugins<PluginGeneration & { label: string }>();
  plugins.replace(generation('one', closed));
  const first = pausedWork(plugins);
  plugins.replace(generation('two', closed));
  t.is(await plugins.use(async () => answeredBy(plugins)), 'two');
  first.resume();
  t.is(await first.answer, 'one', 'the work still running kept its set when the other ended');

  const later = pausedWork(plugins);
  plugins.replace(generation('three', closed));
  later.resume();
  t.is(await later.answer, 'two');
  t.is(await answeredBy(plugins), 'three');
});

test('a replaced set nobody uses closes at once, and only once; close() closes the current set', async (t) => {
  const closed: string[] = [];
  const plugins = new CurrentPlugins();
  plugins.replace(generation('one', closed));
  plugins.replace(generation('two', closed));
  await plugins.use(async () => undefined);
  t.deepEqual(closed, ['one']);
  await plugins.close();
  await plugins.close();
  t.deepEqual(closed, ['one', 'two']);
});

test('before any set is loaded, the hooks name the mistake', (t) => {
  t.throws(() => new CurrentPlugins().hooks.authenticate, { message: 'no plugin set is loaded yet' });
});
