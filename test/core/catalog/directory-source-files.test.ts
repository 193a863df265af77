import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { directorySourceFiles } from '../../../core/catalog/directory-source-files.js';
import { SourceFileRefusal } from '../../../core/catalog/source-file-refusal.js';

async function folderWith(t: ExecutionContext): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'rsgo-dir-source-'));
  t.teardown(() => rm(folder, { recursive: true, force: true }));
  await mkdir(join(folder, 'source'));
  return folder;
}

test('A link to a named pipe is refused at once instead of waiting for a writer', async (t) => {
  const folder = await folderWith(t);
  await promisify(execFile)('mkfifo', [join(folder, 'source', 'pipe')]);
  await symlink('pipe', join(folder, 'source', 'pipe.yaml'));
  const files = await directorySourceFiles(join(folder, 'source'), { filePattern: '*.yaml' });
  t.deepEqual(files.files, ['pipe.yaml']);
  await t.throwsAsync(files.read('pipe.yaml'), { instanceOf: SourceFileRefusal, message: 'is not a regular file' });
});

test('A file over the size limit is refused with its size, before it is read', async (t) => {
  const folder = await folderWith(t);
  await writeFile(join(folder, 'source', 'huge.yaml'), '');
  await truncate(join(folder, 'source', 'huge.yaml'), 2 * 1024 ** 3);
  const files = await directorySourceFiles(join(folder, 'source'), { filePattern: '*.yaml' });
  await t.throwsAsync(files.read('huge.yaml'), { instanceOf: SourceFileRefusal, message: 'is 2147483648 bytes, larger than the 1048576-byte limit' });
});

test('A link leading outside the source is refused without naming a host path', async (t) => {
  const folder = await folderWith(t);
  await writeFile(join(folder, 'secret.yaml'), 'a: b\n');
  await symlink(join(folder, 'secret.yaml'), join(folder, 'source', 'link.yaml'));
  const files = await directorySourceFiles(join(folder, 'source'), { filePattern: '*.yaml' });
  await t.throwsAsync(files.read('link.yaml'), { instanceOf: SourceFileRefusal, message: 'leads outside the source folder' });
});

test('A listed file replaced by a link leading outside the source after the listing is refused', async (t) => {
  const folder = await folderWith(t);
  await writeFile(join(folder, 'secret.yaml'), 'secret: value\n');
  await writeFile(join(folder, 'source', 'app.yaml'), 'a: b\n');
  const files = await directorySourceFiles(join(folder, 'source'), { filePattern: '*.yaml' });
  t.is(await files.read('app.yaml'), 'a: b\n');
  await rm(join(folder, 'source', 'app.yaml'));
  await symlink(join(folder, 'secret.yaml'), join(folder, 'source', 'app.yaml'));
  await t.throwsAsync(files.read('app.yaml'), { instanceOf: SourceFileRefusal, message: 'leads outside the source folder' });
});

test('A listed file replaced by another file after the listing is read as it is now', async (t) => {
  const folder = await folderWith(t);
  await writeFile(join(folder, 'source', 'app.yaml'), 'a: b\n');
  const files = await directorySourceFiles(join(folder, 'source'), { filePattern: '*.yaml' });
  await rm(join(folder, 'source', 'app.yaml'));
  await writeFile(join(folder, 'source', 'app.yaml'), 'a: c\n');
  t.is(await files.read('app.yaml'), 'a: c\n');
});
