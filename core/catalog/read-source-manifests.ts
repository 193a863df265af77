/**
 * Turns the files of one catalog source into products. Decides what each file is (product,
 * fragment, folder product, plain compose file), parses the products, and reports every file
 * it had to skip as a warning so one bad file never hides the others.
 */
import { posix } from 'node:path';
import { PluginError } from '../errors.js';
import type { SourceFiles } from '../hooks/catalog-source.js';
import { formatManifestIssue } from '../manifests/manifest-error.js';
import { ManifestFileLoader } from './manifest-file-loader.js';
import { DEFAULT_MANIFEST_LIMITS, type ManifestLimits } from '../manifests/manifest-limits.js';
import type { ProductManifest } from '../manifests/manifest-model.js';
import { ParsedManifestCache } from './parsed-manifest-cache.js';
import { parseProductManifest, type ParsedProduct, type ProductFileForm } from '../manifests/parse-product-manifest.js';

/** A file the catalog skipped or a problem worth telling its author, for the sync report. */
export interface ManifestWarning {
  /** Source-relative path. */
  readonly file: string;
  readonly message: string;
}

/** What one source yields: its valid products (ordered by file path) and the warnings. */
export interface SourceManifests {
  readonly products: ProductManifest[];
  readonly warnings: ManifestWarning[];
}

interface Candidate {
  readonly file: string;
  readonly form: ProductFileForm;
  readonly folderName: string | null;
}

/** Main file of a folder product, preferred first. */
const STACK_FILE_NAMES = ['stack.yaml', 'stack.yml'];
/** Plain compose files, in docker compose's own order of preference. */
const COMPOSE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

const isYaml = (file: string): boolean => /\.ya?ml$/i.test(file);

/**
 * Candidate files read ahead of the one being parsed. Reads wait on the file system (and on a
 * busy machine, on the thread pool); overlapping them keeps a sync of thousands of files from
 * adding those waits up one by one.
 */
const READ_AHEAD = 32;

/**
 * The folders holding `path`, innermost first, ending with the source root (''). Ownership is
 * looked up along this chain, so it costs the path's depth, not the number of stack folders.
 */
function enclosingFolders(path: string): string[] {
  if (path === '') return [];
  const folders: string[] = [];
  for (let folder = posix.dirname(path); folder !== '.'; folder = posix.dirname(folder)) folders.push(folder);
  folders.push('');
  return folders;
}

/** The listed YAML paths, normalised, de-duplicated and sorted; paths outside the root are dropped. */
function listedYamlFiles(listed: readonly string[], warnings: ManifestWarning[]): string[] {
  const out = new Set<string>();
  for (const raw of listed) {
    const file = posix.normalize(raw).replace(/^(\.\/)+/, '');
    if (file === '..' || file.startsWith('../') || posix.isAbsolute(file)) {
      warnings.push({ file: raw, message: 'outside the source root; ignored' });
    } else if (isYaml(file)) out.add(file);
  }
  return [...out].sort();
}

/** Picks, per folder, the first of `names` present; the others present are reported and skipped. */
function pickPerFolder(files: readonly string[], names: readonly string[], warnings: ManifestWarning[]): Map<string, string> {
  const byFolder = new Map<string, string[]>();
  for (const file of files) {
    if (!names.includes(posix.basename(file))) continue;
    const folder = posix.dirname(file) === '.' ? '' : posix.dirname(file);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), file]);
  }
  const picked = new Map<string, string>();
  for (const [folder, found] of byFolder) {
    const ordered = [...found].sort((a, b) => names.indexOf(posix.basename(a)) - names.indexOf(posix.basename(b)));
    const [first, ...rest] = ordered;
    if (first === undefined) continue;
    picked.set(folder, first);
    for (const other of rest) warnings.push({ file: other, message: `ignored: ${first} is this folder's manifest` });
  }
  return picked;
}

/** Decides which files may be products and in which form. */
function findCandidates(sourceId: string, files: readonly string[], warnings: ManifestWarning[]): Candidate[] {
  const folderName = (folder: string): string => (folder === '' ? sourceId : posix.basename(folder));
  // A folder with a stack file owns everything below it, nested stack folders included.
  const stackFiles = pickPerFolder(files, STACK_FILE_NAMES, warnings);
  const stackFolders = [...stackFiles].filter(([folder]) => !enclosingFolders(folder).some((outer) => stackFiles.has(outer)));
  const owned = (file: string): boolean => enclosingFolders(file).some((folder) => stackFiles.has(folder));
  const free = files.filter((file) => !owned(file));

  const candidates: Candidate[] = stackFolders.map(([folder, file]) => ({ file, form: 'stack-folder', folderName: folderName(folder) }));
  const composeFiles = pickPerFolder(free, COMPOSE_FILE_NAMES, warnings);
  for (const [folder, file] of composeFiles) candidates.push({ file, form: 'compose', folderName: folderName(folder) });
  for (const file of free) {
    if (!COMPOSE_FILE_NAMES.includes(posix.basename(file))) candidates.push({ file, form: 'file', folderName: null });
  }
  return candidates.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** A loose file is a product when it states `metadata.productVersion`; anything else is a fragment. */
function declaresProductVersion(root: unknown): boolean {
  if (!(root instanceof Map)) return false;
  const meta: unknown = root.get('metadata');
  if (!(meta instanceof Map)) return false;
  const version: unknown = meta.get('productVersion');
  return version !== undefined && version !== null && version !== '';
}

/**
 * Reads every product of a source. Invalid products become one warning each (naming the file
 * and every problem with its path) and are skipped; fragments are never listed. A second file
 * with a groupId and version already seen in this source is skipped with a warning. `cache`
 * holds what the last sync of the source parsed: unchanged files are not parsed again, and
 * products whose files are all unchanged are not built again.
 */
export async function readSourceManifests(
  sourceId: string,
  files: SourceFiles,
  limits: Partial<ManifestLimits> = {},
  cache = new ParsedManifestCache(),
): Promise<SourceManifests> {
  const effective: ManifestLimits = { ...DEFAULT_MANIFEST_LIMITS, ...limits };
  const warnings: ManifestWarning[] = [];
  const products: ProductManifest[] = [];
  cache.beginSync();
  const loader = new ManifestFileLoader(files, effective, cache);
  const seen = new Map<string, string>();

  const candidates = findCandidates(sourceId, listedYamlFiles(files.files, warnings), warnings);
  // The loader keeps each promise and the loop awaits them in order; the no-op handler only
  // stops a failure from counting as unhandled before the loop gets there.
  const readEarly = (ahead: Candidate | undefined) => void (ahead && loader.load(ahead.file).catch(() => undefined));
  candidates.slice(0, READ_AHEAD).forEach(readEarly);
  for (const [index, candidate] of candidates.entries()) {
    readEarly(candidates[index + READ_AHEAD]);
    const loaded = await loader.load(candidate.file);
    if (!loaded.ok) {
      // A broken loose file may or may not have been meant as a product: say so rather than guess.
      const message = loaded.reason === 'unreadable' ? loaded.message : loaded.issues.map((issue) => formatManifestIssue(issue, candidate.file)).join('; ');
      warnings.push({ file: candidate.file, message });
      continue;
    }
    if (candidate.form === 'file' && !declaresProductVersion(loaded.root)) continue;

    let parsed: ParsedProduct;
    try {
      const input = { sourceId, ...candidate, root: loaded.root };
      parsed = await cache.product(input, effective, loader, (files) => parseProductManifest(input, files, effective));
    } catch (err) {
      // A source that failed while delivering an included file fails as a whole.
      if (err instanceof PluginError) throw err;
      // A defect triggered by one file must not cost the source its other products.
      warnings.push({ file: candidate.file, message: `could not be read: ${err instanceof Error ? err.message : String(err)}` });
      continue;
    }
    for (const warning of parsed.warnings) warnings.push({ file: warning.file, message: formatManifestIssue(warning, warning.file) });
    if (parsed.product === null) {
      warnings.push({ file: candidate.file, message: parsed.issues.map((issue) => formatManifestIssue(issue, candidate.file)).join('; ') });
      continue;
    }
    const key = `${parsed.product.groupId}@${parsed.product.version}`;
    const first = seen.get(key);
    if (first !== undefined) {
      warnings.push({ file: candidate.file, message: `${parsed.product.groupId} ${parsed.product.version} is already defined by ${first}; ignored` });
      continue;
    }
    seen.set(key, candidate.file);
    products.push(parsed.product);
  }
  return { products, warnings };
}
