import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The layers of `core/`, lowest first (docs/architecture.md draws the same map). A module may
 * import from its own folder and from folders of LOWER layers only: never up, never sideways
 * into another folder of its own layer. Top-level modules are either the base every layer may
 * use, the host's assembly (`host.ts`), or entry points nothing in the core imports.
 */
const layers: readonly (readonly string[])[] = [
  ['(base)'],
  ['metrics'],
  ['config'],
  ['store'],
  ['manifests'],
  ['hooks'],
  ['catalog', 'environments', 'audit'],
  ['api-keys', 'auth'],
  ['plugin-host', 'deployments'],
  ['operations'],
  ['http'],
  ['triggers'],
  ['(host)'],
  ['test-kit'],
  ['(entry)'],
];
const baseModules = new Set(['alias-expansion.ts', 'async-scope.ts', 'deferred.ts', 'errors.ts', 'error-codes.ts', 'logger.ts', 'to-host-error.ts', 'json-body.ts', 'request-schema.ts']);

const core = resolve(dirname(fileURLToPath(import.meta.url)), '../../core');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The core modules a file imports (relative specifiers, types included, dynamic imports too). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    const target = resolve(dirname(file), match[1] ?? '').replace(/\.js$/, '.ts');
    if (target.startsWith(`${core}/`) && target.endsWith('.ts')) found.push(target);
  }
  return found;
}

function folderOf(file: string): string {
  const parts = relative(core, file).split('/');
  if (parts.length > 1) return parts[0] ?? '';
  if (parts[0] === 'host.ts') return '(host)';
  return baseModules.has(parts[0] ?? '') ? '(base)' : '(entry)';
}

function layerOf(folder: string): number {
  const index = layers.findIndex((layer) => layer.includes(folder));
  if (index < 0) throw new Error(`core/${folder} is on no layer: add it to the map in this test and in docs/architecture.md`);
  return index;
}

const files = sourceFiles(core);
const graph = new Map(files.map((file) => [file, importsOf(file)]));

test('every core folder is on the layer map', (t) => {
  const folders = new Set(files.map(folderOf));
  for (const folder of folders) t.notThrows(() => layerOf(folder), folder);
  const mapped = layers.flat().filter((folder) => !folder.startsWith('('));
  t.deepEqual(mapped.filter((folder) => !folders.has(folder)), [], 'the map names folders that no longer exist');
});

test('no module in core/ imports upward or sideways across layers', (t) => {
  const wrong: string[] = [];
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    for (const target of targets) {
      const to = folderOf(target);
      if (from !== to && layerOf(to) >= layerOf(from)) wrong.push(`${relative(core, file)} -> ${relative(core, target)}`);
    }
  }
  t.deepEqual(wrong, []);
});

test('no import cycle between modules of core/', (t) => {
  // Tarjan's strongly connected components: any component of more than one module is a cycle.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(relative(core, member));
      } while (member !== file);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  t.deepEqual(cycles, []);
});

test('no source file in core/ is over 400 lines', (t) => {
  const long = files
    .map((file) => ({ file: relative(core, file), lines: readFileSync(file, 'utf8').split('\n').length }))
    .filter(({ lines }) => lines > 400);
  t.deepEqual(long, []);
});
