import test from 'ava';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCodes, type ErrorCode } from '../../core/error-codes.js';
import * as errors from '../../core/errors.js';

const reference = readFile('docs/errors.md', 'utf8');

/** The rows of the codes table: code and the statuses of its second column. */
async function documentedCodes(): Promise<Map<string, number[]>> {
  const rows = [...(await reference).matchAll(/^\| `([A-Z][A-Z0-9_]*)` \| ([\d, ]+) \|/gm)];
  return new Map(rows.map(([, code = '', statuses = '']) => [code, statuses.split(',').map((status) => Number(status.trim()))]));
}

const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(errorCodes, code);

test('docs/errors.md lists exactly the codes of the catalogue, each with its statuses', async (t) => {
  const documented = await documentedCodes();
  t.deepEqual([...documented.keys()].sort(), Object.keys(errorCodes).sort());
  for (const [code, entry] of Object.entries(errorCodes)) t.deepEqual(documented.get(code), [...entry.statuses], code);
});

test('every error class answers with a catalogued code, under one of that code\'s statuses', (t) => {
  const classes = Object.values(errors).filter((value) => typeof value === 'function' && value.prototype instanceof errors.HostError);
  t.true(classes.length >= 12);
  for (const errorClass of classes) {
    // Every constructor takes a text first; what follows (options, seconds, names) may be any value here.
    const error = Reflect.construct(errorClass, ['message', 'second', 'third']) as errors.HostError;
    t.true(isErrorCode(error.code), `${errorClass.name}: ${error.code}`);
    const statuses: readonly number[] = isErrorCode(error.code) ? errorCodes[error.code].statuses : [];
    t.true(statuses.includes(error.status), `${errorClass.name}: ${error.status}`);
  }
});

/** Every `.ts` file below `folder`. */
async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => join(entry.parentPath, entry.name));
}

// The built-in plugins throw through the public API, which also takes a plugin's own codes, so
// the type check does not hold them to the catalogue: this does.
test('every code the built-in plugins give an error is catalogued', async (t) => {
  const found = new Set<string>();
  for (const file of await sourceFiles('plugins')) {
    for (const [, code = ''] of (await readFile(file, 'utf8')).matchAll(/\bcode: '([A-Z][A-Z0-9_]*)'/g)) found.add(code);
  }
  t.true(found.size >= 5);
  for (const code of found) t.true(isErrorCode(code), code);
});
