/**
 * One product file: its metadata, shared variables and stacks (inline, or pulled in with
 * `include:`). Includes are resolved inside the source root and checked for cycles.
 */
import { posix } from 'node:path';
import { resolveIncludePath } from './include-path.js';
import type { ManifestIssue, ManifestPath } from './manifest-error.js';
import type { ManifestFiles } from './manifest-files.js';
import type { ManifestLimits } from './manifest-limits.js';
import type { ProductManifest, StackManifest, VariableDefinition } from './manifest-model.js';
import { ManifestReader, type ManifestMapping } from './manifest-reader.js';
import {
  parseResourceDeclarations,
  parseStackContent,
  parseVolumeDeclarations,
  type IncludeLoader,
  type SharedResources,
} from './parse-stack-content.js';
import { parseVariableDefinitions } from './parse-variable-definitions.js';
import { normaliseVersion } from './product-version.js';
import { mergeVariableDefinitions } from './validate-variables.js';

/**
 * How the file was found: a file with `metadata.productVersion`, a folder's `stack.yaml`, or a
 * folder's plain compose file. Folder forms default the name to the folder and the version to `0.0.0`.
 */
export type ProductFileForm = 'file' | 'stack-folder' | 'compose';

/** A product file to parse. */
export interface ProductFileInput {
  readonly sourceId: string;
  /** Source-relative path of the main file. */
  readonly file: string;
  /** Its parsed YAML. */
  readonly root: unknown;
  readonly form: ProductFileForm;
  /** Name of the folder for folder forms (the source id for the source root); null otherwise. */
  readonly folderName: string | null;
}

/** The product, or null with the problems that made it invalid; warnings either way. */
export interface ParsedProduct {
  readonly product: ProductManifest | null;
  readonly issues: readonly ManifestIssue[];
  readonly warnings: readonly ManifestIssue[];
}

/** Version of folder-form products that do not state one. */
const UNVERSIONED = '0.0.0';

/** Includes followed so far by one product, shared by all its include loaders. */
interface IncludeBudget {
  used: number;
}

/** An include loader that knows the chain of files leading to it, to refuse cycles. */
function includeLoader(loader: ManifestFiles, limits: ManifestLimits, chain: readonly string[], budget: IncludeBudget): IncludeLoader {
  return async (reader, value, at) => {
    const target = reader.string(value, at);
    if (target === undefined) {
      if (value === null || value === undefined) reader.problem(at, 'expected a relative path');
      return null;
    }
    let file: string;
    try {
      file = resolveIncludePath(reader.file, target);
    } catch (err) {
      reader.problem(at, err instanceof Error ? err.message : String(err));
      return null;
    }
    if (chain.includes(file)) {
      reader.problem(at, `include cycle: ${[...chain.slice(chain.indexOf(file)), file].join(' -> ')}`);
      return null;
    }
    if (chain.length > limits.maxIncludeDepth) {
      reader.problem(at, `includes are nested more than ${limits.maxIncludeDepth} deep`);
      return null;
    }
    if (++budget.used > limits.maxIncludes) {
      reader.problem(at, `a product may follow at most ${limits.maxIncludes} includes`);
      return null;
    }
    const loaded = await loader.load(file);
    if (!loaded.ok) {
      if (loaded.reason === 'unreadable') reader.problem(at, `${JSON.stringify(target)} ${loaded.message}`);
      else reader.sink.issues.push(...loaded.issues);
      return null;
    }
    const included = reader.forFile(file);
    const root = included.mapping(loaded.root, []);
    if (root === undefined) {
      if (loaded.root === null) reader.problem(at, `${JSON.stringify(target)} is empty`);
      return null;
    }
    return { reader: included, root, include: includeLoader(loader, limits, [...chain, file], budget) };
  };
}

/** `metadata.name`, trimmed; undefined when absent or blank. */
function metadataName(meta: ManifestMapping | undefined, path: ManifestPath, reader: ManifestReader): string | undefined {
  const name = reader.string(meta?.get('name'), [...path, 'name'])?.trim();
  return name === '' ? undefined : name;
}

interface StackEntryContext {
  readonly reader: ManifestReader;
  readonly include: IncludeLoader;
  readonly shared: SharedResources;
}

/** One `stacks.<key>` entry: inline, or `include:` of a fragment (entry metadata and variables override it). */
async function parseStackEntry(key: string, value: unknown, ctx: StackEntryContext): Promise<StackManifest | null> {
  const { reader } = ctx;
  const path = ['stacks', key];
  const node = reader.mapping(value, path);
  if (node === undefined) {
    if (value === null || value === undefined) reader.problem(path, 'expected a stack: services, or include');
    return null;
  }
  const meta = reader.mapping(node.get('metadata'), [...path, 'metadata']);
  const variables = parseVariableDefinitions(node.get('variables'), [...path, 'variables'], reader);

  if (!node.has('include')) {
    const content = await parseStackContent(node, path, reader, ctx.include, ctx.shared);
    return {
      name: metadataName(meta, [...path, 'metadata'], reader) ?? key,
      description: reader.string(meta?.get('description'), [...path, 'metadata', 'description']) ?? null,
      variables,
      ...content,
    };
  }

  for (const field of ['services', 'volumes', 'networks']) {
    if (node.has(field)) reader.problem([...path, field], 'cannot be combined with include; put it in the included file');
  }
  const fragment = await ctx.include(reader, node.get('include'), [...path, 'include']);
  if (fragment === null) return null;
  if (fragment.root.has('stacks')) {
    fragment.reader.problem(['stacks'], 'an included stack file defines services, not stacks');
    return null;
  }
  const fragmentMeta = fragment.reader.mapping(fragment.root.get('metadata'), ['metadata']);
  const fragmentVariables = parseVariableDefinitions(fragment.root.get('variables'), ['variables'], fragment.reader);
  const content = await parseStackContent(fragment.root, [], fragment.reader, fragment.include, ctx.shared);
  return {
    name: metadataName(meta, [...path, 'metadata'], reader) ?? metadataName(fragmentMeta, ['metadata'], fragment.reader) ?? key,
    description:
      reader.string(meta?.get('description'), [...path, 'metadata', 'description']) ??
      fragment.reader.string(fragmentMeta?.get('description'), ['metadata', 'description']) ??
      null,
    // The entry's variables override the fragment's, name by name (ReadyStackGo drops them; we keep them).
    variables: mergeVariableDefinitions(fragmentVariables, variables),
    ...content,
  };
}

async function parseStacks(root: ManifestMapping, ctx: StackEntryContext): Promise<StackManifest[]> {
  const { reader } = ctx;
  const value = root.get('stacks');
  const node = reader.mapping(value, ['stacks']);
  if (node === undefined || node.size === 0) {
    // A value of the wrong type already has its problem; an empty section gets this one.
    if (node !== undefined || value === null || value === undefined) reader.problem(['stacks'], 'a product needs at least one stack');
    return [];
  }
  const stacks: StackManifest[] = [];
  const keysByName = new Map<string, string>();
  for (const [key, value] of node) {
    const stack = await parseStackEntry(key, value, ctx);
    if (stack === null) continue;
    const other = keysByName.get(stack.name);
    if (other !== undefined) reader.problem(['stacks', key], `stack name ${JSON.stringify(stack.name)} is also used by stacks.${other}`);
    keysByName.set(stack.name, key);
    stacks.push(stack);
  }
  return stacks;
}

/**
 * Parses a product file. Metadata comes from `metadata:`, or from an `x-rsgo:` block (the
 * place compose files allow extensions); `x-rsgo` may also hold the stack's `variables`.
 */
export async function parseProductManifest(
  input: ProductFileInput,
  loader: ManifestFiles,
  limits: ManifestLimits,
): Promise<ParsedProduct> {
  const reader = new ManifestReader(input.file);
  const result = (product: ProductManifest | null): ParsedProduct => ({
    product: reader.sink.issues.length === 0 ? product : null,
    issues: reader.sink.issues,
    warnings: reader.sink.warnings,
  });
  const root = reader.mapping(input.root, []);
  if (root === undefined) {
    if (input.root === null) reader.problem([], 'file is empty');
    return result(null);
  }

  const metaKey = root.has('x-rsgo') ? 'x-rsgo' : 'metadata';
  const meta = reader.mapping(root.get(metaKey), [metaKey]);
  const text = (field: string): string | null => {
    const value = reader.string(meta?.get(field), [metaKey, field])?.trim();
    return value === undefined || value === '' ? null : value;
  };

  const fileName = posix.basename(input.file).replace(/\.ya?ml$/i, '');
  const name = metadataName(meta, [metaKey], reader) ?? input.folderName ?? fileName;
  const rawVersion = text('productVersion');
  let version: string | null = null;
  if (rawVersion !== null) {
    version = normaliseVersion(rawVersion);
    if (version === null) reader.problem([metaKey, 'productVersion'], `${JSON.stringify(rawVersion)} is not a SemVer version`);
  } else if (input.form === 'file') {
    // Only reachable for a file that declares a version of the wrong type (`productVersion: true`).
    reader.problem([metaKey, 'productVersion'], 'required');
  } else {
    version = UNVERSIONED; // folder forms may leave the version out
  }
  const productId = text('productId');
  const description = text('description');

  const include = includeLoader(loader, limits, [input.file], { used: 0 });
  const sharedVariables = parseVariableDefinitions(root.get('sharedVariables'), ['sharedVariables'], reader);
  let stacks: StackManifest[] = [];
  const hasStacks = root.has('stacks');
  if (hasStacks && root.has('services')) {
    reader.problem([], 'give either services (one stack) or stacks (several), not both');
  } else if (hasStacks) {
    if (root.has('variables')) reader.warn(['variables'], 'ignored in a multi-stack product; use sharedVariables');
    const shared: SharedResources = {
      volumes: parseVolumeDeclarations(root.get('volumes'), ['volumes'], reader),
      networks: parseResourceDeclarations(root.get('networks'), ['networks'], reader),
    };
    stacks = await parseStacks(root, { reader, include, shared });
  } else if (root.has('services')) {
    const variables: VariableDefinition[] =
      metaKey === 'x-rsgo' && meta?.has('variables')
        ? parseVariableDefinitions(meta.get('variables'), [metaKey, 'variables'], reader)
        : parseVariableDefinitions(root.get('variables'), ['variables'], reader);
    const content = await parseStackContent(root, [], reader, include, { volumes: [], networks: [] });
    stacks = [{ name, description, variables, ...content }];
  } else {
    reader.problem([], 'expected services (one stack) or stacks (several)');
  }

  return result({
    file: input.file,
    groupId: productId ?? `${input.sourceId}:${name}`,
    name,
    version: version ?? UNVERSIONED,
    description,
    category: text('category'),
    tags: reader.stringList(meta?.get('tags'), [metaKey, 'tags']) ?? [],
    author: text('author'),
    documentation: text('documentation'),
    icon: text('icon'),
    releaseNotesUrl: text('releaseNotesUrl'),
    sharedVariables,
    stacks,
  });
}
