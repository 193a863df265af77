import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { directorySourceFiles } from '../../../core/catalog/directory-source-files.js';
import { isLocalFileSystem, isRemoteFileSystemType } from '../../../core/catalog/local-file-system.js';
import { SourceFileRefusal } from '../../../core/catalog/source-file-refusal.js';

async function folderWith(t: ExecutionContext): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'rsgo-dir-source-'));
  t.teardown(() => rm(folder, { recursive: true, force: true }));
  await mkdir(join(folder, 'source'));
  return folder;
}

for (const [mode, blockingReads] of [
  [' (blocking reads)', true],
  [' (reads through the thread pool)', false],
] as const) {
  test(`A link to a named pipe is refused at once instead of waiting for a writer${mode}`, async (t) => {
    const folder = await folderWith(t);
    await promisify(execFile)('mkfifo', [join(folder, 'source', 'pipe')]);
    await symlink('pipe', join(folder, 'source', 'pipe.yaml'));
    const files = await directorySourceFiles(join(folder, 'source'), { filePattern: '*.yaml', blockingReads });
    t.deepEqual(files.files, ['pipe.yaml']);
    await t.throwsAsync(files.read('pipe.yaml'), { instanceOf: SourceFileRefusal, message: 'is not a regular file' });
  });

  test(`A file over the size limit is refused with its size, before it is read${mode}`, async (t) => {
    const folder = await folderWith(t);
    await writeFile(join(folder, 'source', 'huge.yaml'), '');
    await truncate(join(folder, 'source', 'huge.yaml'), 2 * 1024 ** 3);
    const files = await directorySourceFiles(join(folder, 'source'), { filePattern: '*.yaml', blockingReads });
    await t.throwsAsync(files.read('huge.yaml'), { instanceOf: SourceFileRefusal, message: 'is 2147483648 bytes, larger than the 1048576-byte limit' });
  });

  test(`A link leading outside the source is refused without naming a host path${mode}`, async (t) => {
    const folder = await folderWith(t);
    await writeFile(join(folder, 'secret.yaml'), 'a: b\n');
    await symlink(join(folder, 'secret.yaml'), join(folder, 'source', 'link.yaml'));
    const files = await directorySourceFiles(join(folder, 'source'), { filePattern: '*.yaml', blockingReads });
    await t.throwsAsync(files.read('link.yaml'), { instanceOf: SourceFileRefusal, message: 'leads outside the source folder' });
  });

  test(`A listed file replaced by a link leading outside the source after the listing is refused${mode}`, async (t) => {
    const folder = await folderWith(t);
    await writeFile(join(folder, 'secret.yaml'), 'secret: value\n');
    await writeFile(join(folder, 'source', 'app.yaml'), 'a: b\n');
    const files = await directorySourceFiles(join(folder, 'source'), { filePattern: '*.yaml', blockingReads });
    t.is(await files.read('app.yaml'), 'a: b\n');
    await rm(join(folder, 'source', 'app.yaml'));
    await symlink(join(folder, 'secret.yaml'), join(folder, 'source', 'app.yaml'));
    await t.throwsAsync(files.read('app.yaml'), { instanceOf: SourceFileRefusal, message: 'leads outside the source folder' });
  });

  test(`A listed file replaced by another file after the listing is read as it is now${mode}`, async (t) => {
    const folder = await folderWith(t);
    await writeFile(join(folder, 'source', 'app.yaml'), 'a: b\n');
    const files = await directorySourceFiles(join(folder, 'source'), { filePattern: '*.yaml', blockingReads });
    await rm(join(folder, 'source', 'app.yaml'));
    await writeFile(join(folder, 'source', 'app.yaml'), 'a: c\n');
    t.is(await files.read('app.yaml'), 'a: c\n');
  });
}

test('a folder on a local disk counts as local, and both ways of reading give the same files, revision and text', async (t) => {
  const folder = await folderWith(t);
  await mkdir(join(folder, 'source', 'nested'));
  await writeFile(join(folder, 'source', 'a.yaml'), 'a: 1\n');
  await writeFile(join(folder, 'source', 'nested', 'b.yaml'), 'b: 2\n');
  await writeFile(join(folder, 'source', 'ignored.txt'), 'c\n');
  t.true(await isLocalFileSystem(join(folder, 'source')), 'the test folder is on a local disk');
  const byDefault = await directorySourceFiles(join(folder, 'source'), { filePattern: '*.yaml' });
  const threadPool = await directorySourceFiles(join(folder, 'source'), { filePattern: '*.yaml', blockingReads: false });
  t.deepEqual(byDefault.files, ['a.yaml', 'nested/b.yaml']);
  t.deepEqual(threadPool.files, byDefault.files);
  t.is(threadPool.revision, byDefault.revision);
  t.deepEqual(await Promise.all(byDefault.files.map((file) => byDefault.read(file))), ['a: 1\n', 'b: 2\n']);
});

test('the event loop serves timers between the blocking reads of a large folder', async (t) => {
  const folder = await folderWith(t);
  const names = Array.from({ length: 300 }, (_, i) => `m${String(i).padStart(3, '0')}.yaml`);
  await Promise.all(names.map((name) => writeFile(join(folder, 'source', name), `name: ${name}\n`)));
  const files = await directorySourceFiles(join(folder, 'source'), { filePattern: '*.yaml', blockingReads: true });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  try {
    for (const file of files.files) await files.read(file);
  } finally {
    clearInterval(timer);
  }
  t.true(ticks > 0, 'a timer ran while the files were read');
});

test('network and user-space file systems are told apart from local ones', (t) => {
  const nfs = 0x6969;
  const cifs = 0xff534d42;
  const fuse = 0x65735546;
  const ext4 = 0xef53;
  const tmpfs = 0x01021994;
  const overlay = 0x794c7630;
  t.deepEqual([nfs, cifs, fuse].map(isRemoteFileSystemType), [true, true, true]);
  t.deepEqual([ext4, tmpfs, overlay].map(isRemoteFileSystemType), [false, false, false]);
});
