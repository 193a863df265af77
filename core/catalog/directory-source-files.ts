import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import { open, readdir, realpath, stat, type FileHandle } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { SourceFiles } from '../hooks/catalog-source.js';
import { isLocalFileSystem } from './local-file-system.js';
import { SourceFileRefusal } from './source-file-refusal.js';

/** Largest manifest file a source reads; bigger files are refused, not loaded into memory. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

export interface DirectoryScanOptions {
  /** File-name globs separated by `;` (`*.yml;*.yaml`). `*` and `?` are supported. */
  readonly filePattern: string;
  /** Stop the scan when aborted. */
  readonly signal?: AbortSignal;
  /** How error messages name the folder (the path as the user wrote it); the full path by default. */
  readonly displayPath?: string;
  /**
   * Read listed files with blocking calls, one file per turn of the event loop, instead of
   * through the thread pool. By default, when the folder is on a local file system (see
   * {@link isLocalFileSystem}).
   */
  readonly blockingReads?: boolean;
}

const skippedFolders = new Set(['.git', 'node_modules']);

/** Files of one folder stat'ed at once (with blocking calls: between two turns of the event loop). */
const STAT_BATCH = 64;

/** Lets the event loop serve what is waiting (requests, timers) before the next blocking calls. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Non-blocking, so a named pipe opens at once instead of waiting forever for a writer (and
 * holding a thread of the pool); it is then refused as not a regular file.
 */
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** An open file and what `fstat` said of it. */
interface OpenedFile {
  readonly handle: FileHandle;
  readonly info: Stats;
}

/**
 * Opens a file the listing found as a regular file, without resolving its real path (that
 * was a sixth of a large sync): it is opened without following a link, and kept only if it is
 * still the very file (device and inode) the listing saw. The walk never enters linked
 * folders, so that file was inside the folder. `null` when anything differs; the caller then
 * takes the checked way.
 */
async function openListedFile(target: string, listed: Stats | undefined): Promise<OpenedFile | null> {
  if (listed === undefined) return null;
  const handle = await open(target, READ_FLAGS | constants.O_NOFOLLOW).catch(() => null);
  if (handle === null) return null;
  const info = await handle.stat().catch(() => null);
  if (info !== null && info.dev === listed.dev && info.ino === listed.ino) return { handle, info };
  await handle.close();
  return null;
}

/** `stat` in a blocking call; `null` for what cannot be stat'ed (a dangling link, no access). */
function statNow(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** Refuses what a manifest cannot be: anything but a regular file, or a file over the limit. */
function assertReadable(info: Stats): void {
  if (!info.isFile()) throw new SourceFileRefusal('is not a regular file');
  if (info.size > MAX_MANIFEST_BYTES) throw new SourceFileRefusal(`is ${info.size} bytes, larger than the ${MAX_MANIFEST_BYTES}-byte limit`);
}

/**
 * {@link openListedFile} and {@link readOpenedFile} in blocking calls, for a local disk:
 * there, each call answers in microseconds, and its trip through the thread pool cost more
 * than the call itself (a sync of 10,000 files took a third less time and CPU without them).
 * `null` when the file is not the listed one any more; the caller then takes the checked way.
 */
function readListedFileNow(target: string, listed: Stats): string | null {
  let fd: number;
  try {
    fd = openSync(target, READ_FLAGS | constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    const info = fstatSync(fd);
    if (info.dev !== listed.dev || info.ino !== listed.ino) return null;
    assertReadable(info);
    const buffer = Buffer.allocUnsafe(info.size + 1);
    const bytesRead = readSync(fd, buffer, 0, buffer.length, 0);
    return bytesRead === info.size ? buffer.toString('utf8', 0, bytesRead) : readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Opens `target` once its real path is known to be inside the folder. */
async function openInside(rootReal: string, target: string): Promise<OpenedFile> {
  const real = await realpath(target);
  const inside = relative(rootReal, real);
  // Links and `..` must not lead a manifest out of its source folder.
  if (inside.startsWith('..') || isAbsolute(inside)) throw new SourceFileRefusal('leads outside the source folder');
  const handle = await open(real, READ_FLAGS);
  try {
    return { handle, info: await handle.stat() };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/**
 * The text of an open file that `fstat` found `size` bytes long: one read, where `readFile`
 * would ask for the size again and read on until the end (a sync reads thousands of files, and
 * each call is a trip through the thread pool). A file that is not exactly that size any more
 * is read again in full.
 */
async function readOpenedFile(handle: FileHandle, size: number): Promise<string> {
  const buffer = Buffer.allocUnsafe(size + 1);
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
  if (bytesRead === size) return buffer.toString('utf8', 0, size);
  return (await handle.readFile()).toString('utf8');
}

function globMatcher(filePattern: string): (name: string) => boolean {
  const expressions = filePattern
    .split(';')
    .map((glob) => glob.trim())
    .filter((glob) => glob !== '')
    .map((glob) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i'));
  return (name) => expressions.some((expression) => expression.test(name));
}

/**
 * The files of a folder as a catalog source delivers them: manifest candidates found
 * recursively (dot-folders skipped), a reader confined to the folder, and a revision that
 * changes whenever a file's path, size or modification time does.
 */
export async function directorySourceFiles(root: string, options: DirectoryScanOptions): Promise<SourceFiles> {
  const shown = options.displayPath ?? root;
  const rootReal = await realpath(root).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`folder '${shown}' does not exist`);
    throw err;
  });
  const rootStat = await stat(rootReal);
  if (!rootStat.isDirectory()) throw new Error(`'${shown}' is not a folder`);
  const matches = globMatcher(options.filePattern);
  const blocking = options.blockingReads ?? (await isLocalFileSystem(rootReal));
  const files: string[] = [];
  /** The listed regular files (not links) and their identity at listing time. */
  const listedFiles = new Map<string, Stats>();
  const fingerprint = createHash('sha256');

  const walk = async (folder: string): Promise<void> => {
    options.signal?.throwIfAborted();
    // On a local disk a listing answers in microseconds; its trip through the thread pool left
    // the thread idle for most of the walk of a catalog with thousands of folders.
    const entries = blocking ? readdirSync(folder, { withFileTypes: true }) : await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const candidates = entries.filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && matches(entry.name));
    // A folder's files are stat'ed together, a batch at a time: one after the other, their
    // waits would add up over thousands of files.
    const infos = new Map<string, Stats | null>();
    for (let start = 0; start < candidates.length; start += STAT_BATCH) {
      const batch = candidates.slice(start, start + STAT_BATCH);
      if (blocking) {
        if (start > 0) await nextTurn();
        for (const entry of batch) infos.set(entry.name, statNow(join(folder, entry.name)));
      } else {
        await Promise.all(
          batch.map(async (entry) => {
            infos.set(entry.name, await stat(join(folder, entry.name)).catch(() => null));
          }),
        );
      }
    }
    for (const entry of entries) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !skippedFolders.has(entry.name)) await walk(full);
      } else if (infos.has(entry.name)) {
        const info = infos.get(entry.name);
        if (!info) continue; // a dangling link is not a manifest
        const path = relative(rootReal, full).split(sep).join('/');
        files.push(path);
        if (entry.isFile()) listedFiles.set(path, info);
        fingerprint.update(`${path}\0${info.size}\0${info.mtimeMs}\n`);
      }
    }
  };
  await walk(rootReal);

  return {
    files,
    revision: fingerprint.digest('hex'),
    async read(path) {
      const target = join(rootReal, ...path.split('/'));
      const listed = listedFiles.get(path);
      if (blocking && listed !== undefined) {
        await nextTurn();
        const text = readListedFileNow(target, listed);
        if (text !== null) return text;
      }
      const { handle, info } = (await openListedFile(target, listed)) ?? (await openInside(rootReal, target));
      try {
        assertReadable(info);
        return await readOpenedFile(handle, info.size);
      } finally {
        await handle.close();
      }
    },
  };
}
