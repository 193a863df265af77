/**
 * The deployable content of one stack: `services` (possibly split into included files),
 * `volumes` and `networks`, checked together (dependencies exist and form no cycle).
 */
import { findDependencyCycle } from './dependency-order.js';
import type { ManifestPath } from './manifest-error.js';
import type { NetworkDeclaration, ServiceManifest, VolumeDeclaration } from './manifest-model.js';
import type { ManifestMapping, ManifestReader } from './manifest-reader.js';
import { parseServiceManifest, RESOURCE_NAME, type ParsedService } from './parse-service-manifest.js';

/** A file pulled in by `include:`, with a loader for the includes it holds in turn. */
export interface IncludedFile {
  readonly reader: ManifestReader;
  readonly root: ManifestMapping;
  readonly include: IncludeLoader;
}

/**
 * Resolves and loads an `include:` value found at `at` in `reader`'s file; null (with a
 * problem recorded) when it is invalid, escapes the source, forms a cycle or cannot be read.
 */
export type IncludeLoader = (reader: ManifestReader, include: unknown, at: ManifestPath) => Promise<IncludedFile | null>;

/** Product-level declarations that every stack of the product may use by name. */
export interface SharedResources {
  readonly volumes: readonly VolumeDeclaration[];
  readonly networks: readonly NetworkDeclaration[];
}

/** What a stack deploys. */
export interface StackContent {
  readonly services: readonly ServiceManifest[];
  readonly volumes: readonly VolumeDeclaration[];
  readonly networks: readonly NetworkDeclaration[];
}

/**
 * A `dependsOn` entry naming no service of its own stack. Only the product can tell whether
 * it names a service of another of its stacks or nothing at all, and report it where written.
 */
export interface ForeignDependency {
  /** The service name depended on. */
  readonly name: string;
  readonly reader: ManifestReader;
  /** Where it is written: `[..., 'services', web, 'depends_on', 0]`. */
  readonly path: ManifestPath;
}

/** A stack's content and the dependencies it leaves to the product to resolve. */
export interface ParsedStackContent {
  readonly content: StackContent;
  readonly foreignDependencies: readonly ForeignDependency[];
}

/** A `services:` entry and where it was written. */
interface ServiceEntry {
  readonly name: string;
  readonly value: unknown;
  readonly path: ManifestPath;
  readonly reader: ManifestReader;
}

function driverOptions(value: unknown, path: ManifestPath, reader: ManifestReader): Record<string, string> {
  const node = reader.mapping(value, path);
  const out = new Map<string, string>();
  for (const [key, item] of node ?? []) {
    const text = reader.scalarText(item, [...path, key]);
    if (text !== undefined) out.set(key, text);
  }
  return Object.fromEntries(out);
}

/** Parses a top-level `networks:` (or `volumes:`) map: `name: {}` or `name:` plus options. */
export function parseResourceDeclarations(value: unknown, path: ManifestPath, reader: ManifestReader): NetworkDeclaration[] {
  const node = reader.mapping(value, path);
  const out: NetworkDeclaration[] = [];
  for (const [name, item] of node ?? []) {
    const at = [...path, name];
    if (!RESOURCE_NAME.test(name)) {
      reader.problem(at, 'names are letters, digits, "_", "." or "-", starting with a letter or digit');
      continue;
    }
    const options = reader.mapping(item, at) ?? new Map<string, unknown>();
    // compose's old form `external: {name: x}` also means external.
    const external = options.get('external') instanceof Map || reader.boolean(options.get('external'), [...at, 'external']) === true;
    const opts = reader.eitherKey(options, at, 'driverOpts', 'driver_opts');
    out.push({
      name,
      external,
      driver: reader.string(options.get('driver'), [...at, 'driver']) ?? null,
      driverOpts: driverOptions(opts.value, [...at, opts.key], reader),
      internal: reader.boolean(options.get('internal'), [...at, 'internal']) ?? false,
    });
  }
  return out;
}

/** Parses a top-level `volumes:` map; like networks, without the network-only `internal`. */
export function parseVolumeDeclarations(value: unknown, path: ManifestPath, reader: ManifestReader): VolumeDeclaration[] {
  return parseResourceDeclarations(value, path, reader).map(({ name, external, driver, driverOpts }) => ({ name, external, driver, driverOpts }));
}

/** The entries of `services:`, following `include:` lists (`services: {include: [a.yaml], web: {...}}`). */
async function collectServices(
  value: unknown,
  path: ManifestPath,
  reader: ManifestReader,
  include: IncludeLoader,
  into: Map<string, ServiceEntry>,
): Promise<void> {
  const node = reader.mapping(value, path);
  for (const [name, item] of node ?? []) {
    if (name !== 'include') {
      const earlier = into.get(name);
      if (earlier) {
        const where = earlier.reader.file === reader.file ? '' : ` (also in ${earlier.reader.file})`;
        reader.problem([...path, name], `service ${JSON.stringify(name)} is defined twice${where}`);
      } else into.set(name, { name, value: item, path: [...path, name], reader });
      continue;
    }
    const includes = reader.stringList(item, [...path, 'include']) ?? [];
    for (const [index, target] of includes.entries()) {
      const at = typeof item === 'string' ? [...path, 'include'] : [...path, 'include', index];
      const file = await include(reader, target, at);
      if (file === null) continue;
      // A services file either has a `services:` section or is the service map itself.
      const nested = file.root.has('services');
      await collectServices(nested ? file.root.get('services') : file.root, nested ? ['services'] : [], file.reader, file.include, into);
    }
  }
}

/**
 * Takes the dependencies on services outside the stack out of each service's `dependsOn` and
 * returns them. `names` holds every declared service, including ones that failed to parse, so
 * a broken service is not also reported as unknown.
 */
function takeForeignDependencies(parsed: { entry: ServiceEntry; result: ParsedService }[], names: ReadonlySet<string>): ForeignDependency[] {
  const foreign: ForeignDependency[] = [];
  for (const item of parsed) {
    const { entry, result } = item;
    result.service.dependsOn.forEach((name, index) => {
      if (!names.has(name)) foreign.push({ name, reader: entry.reader, path: [...entry.path, result.dependsOnKey, index] });
    });
    const local = result.service.dependsOn.filter((name) => names.has(name));
    if (local.length < result.service.dependsOn.length) item.result = { ...result, service: { ...result.service, dependsOn: local } };
  }
  return foreign;
}

/** Stack-level checks across services: dependencies form no cycle; container names are unique. */
function checkServices(parsed: readonly { entry: ServiceEntry; result: ParsedService }[]): void {
  const cycle = findDependencyCycle(parsed.map(({ result }) => result.service));
  const first = cycle === null ? undefined : parsed.find(({ result }) => result.service.name === cycle[0]);
  if (cycle !== null && first !== undefined) {
    first.entry.reader.problem([...first.entry.path, first.result.dependsOnKey], `dependency cycle: ${cycle.join(' -> ')}`);
  }
  const containerNames = new Map<string, string>();
  for (const { entry, result } of parsed) {
    const containerName = result.service.containerName;
    if (containerName === null || containerName.includes('${')) continue;
    const other = containerNames.get(containerName);
    if (other !== undefined) entry.reader.problem(entry.path, `container name ${JSON.stringify(containerName)} is also used by ${other}`);
    else containerNames.set(containerName, result.service.name);
  }
}

/** Source of a literal `name:/path` volume entry, or null when it is a path or still a template. */
function literalVolumeName(spec: string): string | null {
  if (spec.includes('$')) return null;
  const source = spec.split(':')[0] ?? '';
  return RESOURCE_NAME.test(source) ? source : null;
}

/**
 * Parses `services`, `volumes` and `networks` of a stack held in `node` at `path`; a `dependsOn`
 * naming no service of the stack is left to the product (see {@link ForeignDependency}). Networks a
 * service names are declared for it: a product-level one as external (shared by the product's
 * stacks, bare name), any other as a plain stack network. A product-level volume that a service
 * names literally is declared the same way.
 */
export async function parseStackContent(
  node: ManifestMapping,
  path: ManifestPath,
  reader: ManifestReader,
  include: IncludeLoader,
  shared: SharedResources,
): Promise<ParsedStackContent> {
  const entries = new Map<string, ServiceEntry>();
  const beforeServices = reader.problemCount;
  if (!node.has('services') || node.get('services') === null) reader.problem([...path, 'services'], 'required');
  else await collectServices(node.get('services'), [...path, 'services'], reader, include, entries);

  const parsed: { entry: ServiceEntry; result: ParsedService }[] = [];
  for (const entry of entries.values()) {
    const result = parseServiceManifest(entry.name, entry.value, entry.path, entry.reader);
    if (result !== null) parsed.push({ entry, result });
  }
  const foreignDependencies = takeForeignDependencies(parsed, new Set(entries.keys()));
  checkServices(parsed);
  // Only when nothing else explains it (a failed include already has its own problem).
  if (entries.size === 0 && reader.problemCount === beforeServices) reader.problem([...path, 'services'], 'a stack needs at least one service');
  const services = parsed.map(({ result }) => result.service);

  const volumes = parseVolumeDeclarations(node.get('volumes'), [...path, 'volumes'], reader);
  const networks = parseResourceDeclarations(node.get('networks'), [...path, 'networks'], reader);

  for (const service of services) {
    for (const network of service.networks) {
      if (networks.some((declared) => declared.name === network)) continue;
      const product = shared.networks.find((declared) => declared.name === network);
      networks.push(
        product ? { ...product, external: true } : { name: network, external: false, driver: null, driverOpts: {}, internal: false },
      );
    }
    for (const spec of service.volumes) {
      const name = literalVolumeName(spec);
      const product = shared.volumes.find((declared) => declared.name === name);
      if (product && !volumes.some((declared) => declared.name === name)) volumes.push({ ...product, external: true });
    }
  }
  return { content: { services, volumes, networks }, foreignDependencies };
}
