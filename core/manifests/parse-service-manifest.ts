/**
 * One entry of `services:`. Our camelCase spellings and compose's snake_case ones are both
 * accepted, because most users arrive with a compose file.
 */
import { InputError } from '../errors.js';
import { reservedLabelKeys } from '../manifests/host-labels.js';
import { warnUnknownKeys } from '../manifests/warn-unknown-keys.js';
import { splitCommandLine } from './command-line.js';
import type { ManifestPath } from './manifest-error.js';
import {
  DEFAULT_INIT_TIMEOUT_SECONDS,
  type CommandManifest,
  type RestartPolicy,
  type ServiceLifecycle,
  type ServiceManifest,
} from './manifest-model.js';
import type { ManifestReader } from './manifest-reader.js';
import { parseHealthCheck } from './parse-health-check.js';
import { parseSwarmFields, SWARM_SERVICE_KEYS } from './parse-swarm-fields.js';
import { checkPortSyntax } from './port-binding.js';
import { maskVariables } from './substitute-variables.js';
import { checkVolumeSyntax, isBindSource } from './volume-mount.js';

/** A parsed service and the key its `dependsOn` was spelled with, for messages about it. */
export interface ParsedService {
  readonly service: ServiceManifest;
  readonly dependsOnKey: string;
}

/** Names of services, networks and containers: what Docker accepts. */
export const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Image references: no whitespace, no shell characters. Placeholders are checked as `x`. */
const imageReference = /^[A-Za-z0-9][A-Za-z0-9._/:@+-]*$/;

const RESTART_POLICIES: readonly RestartPolicy[] = ['no', 'always', 'unless-stopped', 'on-failure'];

/** Every key this parser reads; anything else (except `x-*`) is reported as ignored. */
const KNOWN_KEYS: ReadonlySet<string> = new Set([
  'image', 'containerName', 'container_name', 'ports', 'environment', 'volumes', 'networks',
  'dependsOn', 'depends_on', 'command', 'entrypoint', 'workingDir', 'working_dir', 'user',
  'restart', 'labels', 'healthCheck', 'healthcheck', 'lifecycle', 'initTimeoutSeconds', ...SWARM_SERVICE_KEYS,
]);

/** Why a service without an image loads anyway, and what that means for its stack. */
const NO_IMAGE = 'the service has no image, so its stack cannot be deployed until it names one (build it and push it to a registry)';

/** Placeholders replaced by a harmless valid character, for name and image checks. */
const masked = (text: string): string => maskVariables(text, 'x');

/** Adds one `KEY=value` entry, or records why it cannot be added. */
function putKeyValue(out: Map<string, string>, key: string, text: string, at: ManifestPath, reader: ManifestReader): void {
  if (key.trim() === '' || key.includes('=') || key.includes('\0')) reader.problem(at, `invalid name ${JSON.stringify(key)}`);
  else if (out.has(key)) reader.problem(at, `${key} is given twice`);
  else out.set(key, text);
}

/** `environment` and `labels`: a map, or compose's list of `KEY=value`. */
function parseKeyValues(value: unknown, path: ManifestPath, reader: ManifestReader): Record<string, string> {
  const out = new Map<string, string>();
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const text = reader.string(item, [...path, index]);
      if (text === undefined) continue;
      const eq = text.indexOf('=');
      // compose's bare `KEY` takes the value from the shell; there is no shell here, so it is empty.
      putKeyValue(out, eq < 0 ? text : text.slice(0, eq), eq < 0 ? '' : text.slice(eq + 1), [...path, index], reader);
    }
  } else {
    const node = reader.mapping(value, path);
    for (const [key, item] of node ?? []) {
      const text = item === null ? '' : reader.scalarText(item, [...path, key]);
      if (text !== undefined) putKeyValue(out, key, text, [...path, key], reader);
    }
  }
  return Object.fromEntries(out);
}

/** `networks` / `dependsOn`: a list of names, or compose's map whose keys are the names. */
function parseNameList(value: unknown, path: ManifestPath, reader: ManifestReader): string[] {
  if (value instanceof Map) {
    const node = reader.mapping(value, path);
    return [...(node?.keys() ?? [])];
  }
  const names = reader.stringList(value, path) ?? [];
  names.forEach((name, index) => {
    if (names.indexOf(name) !== index) reader.problem([...path, index], `${JSON.stringify(name)} is listed twice`);
  });
  return names;
}

/** compose's long port syntax `{target, published, protocol, host_ip}`, as our short form. */
function longPort(value: unknown, path: ManifestPath, reader: ManifestReader): string | undefined {
  const node = reader.mapping(value, path);
  if (node === undefined) return undefined;
  const target = reader.string(node.get('target'), [...path, 'target']);
  const published = reader.string(node.get('published'), [...path, 'published']);
  const protocol = reader.string(node.get('protocol'), [...path, 'protocol']);
  const hostIp = reader.string(node.get('host_ip'), [...path, 'host_ip']);
  if (target === undefined || published === undefined) {
    reader.problem(path, 'needs target and published');
    return undefined;
  }
  const ip = hostIp === undefined ? '' : hostIp.includes(':') ? `[${hostIp}]:` : `${hostIp}:`;
  return `${ip}${published}:${target}${protocol === undefined ? '' : `/${protocol}`}`;
}

function parsePorts(value: unknown, path: ManifestPath, reader: ManifestReader): string[] {
  const items = reader.list(value, path) ?? [];
  const ports: string[] = [];
  items.forEach((item, index) => {
    const at = [...path, index];
    const spec = item instanceof Map ? longPort(item, at, reader) : reader.string(item, at);
    if (spec === undefined) return;
    const problem = checkPortSyntax(spec);
    if (problem === null) ports.push(spec);
    else reader.problem(at, problem);
  });
  return ports;
}

/** compose's long volume syntax `{type, source, target, read_only}`, as our short form. */
function longVolume(value: unknown, path: ManifestPath, reader: ManifestReader): string | undefined {
  const node = reader.mapping(value, path);
  if (node === undefined) return undefined;
  const type = reader.string(node.get('type'), [...path, 'type']) ?? 'volume';
  if (type !== 'volume' && type !== 'bind') {
    reader.problem([...path, 'type'], `${JSON.stringify(type)} mounts are not supported; use volume or bind`);
    return undefined;
  }
  const source = reader.string(node.get('source'), [...path, 'source']);
  const target = reader.string(node.get('target'), [...path, 'target']);
  const readOnlyField = reader.eitherKey(node, path, 'readOnly', 'read_only');
  const readOnly = reader.boolean(readOnlyField.value, [...path, readOnlyField.key]) ?? false;
  if (source === undefined || target === undefined) {
    reader.problem(path, 'needs source and target');
    return undefined;
  }
  const mode = readOnly ? ':ro' : '';
  if (type === 'bind') return `${isBindSource(source) ? source : `./${source}`}:${target}${mode}`;
  if (isBindSource(source)) {
    reader.problem([...path, 'source'], `${JSON.stringify(source)} is a path; use type: bind`);
    return undefined;
  }
  return `${source}:${target}${mode}`;
}

function parseVolumes(value: unknown, path: ManifestPath, reader: ManifestReader): string[] {
  const items = reader.list(value, path) ?? [];
  const volumes: string[] = [];
  items.forEach((item, index) => {
    const at = [...path, index];
    const spec = item instanceof Map ? longVolume(item, at, reader) : reader.string(item, at);
    if (spec === undefined) return;
    const problem = checkVolumeSyntax(spec);
    if (problem === null) volumes.push(spec);
    else reader.problem(at, problem);
  });
  return volumes;
}

function parseCommand(value: unknown, path: ManifestPath, reader: ManifestReader): CommandManifest | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    try {
      splitCommandLine(value);
    } catch (err) {
      reader.problem(path, err instanceof InputError ? err.message : String(err));
      return null;
    }
    return value;
  }
  const items = reader.list(value, path);
  if (items === undefined) return null;
  const args: string[] = [];
  items.forEach((item, index) => {
    const arg = reader.scalarText(item, [...path, index]);
    if (arg !== undefined) args.push(arg);
    else if (item === null) reader.problem([...path, index], 'expected a string, found nothing');
  });
  return args;
}

/** A name-like string field (`containerName`); placeholders are allowed anywhere in it. */
function parseName(value: unknown, path: ManifestPath, reader: ManifestReader): string | null {
  const text = reader.string(value, path);
  if (text === undefined) return null;
  if (!RESOURCE_NAME.test(masked(text))) {
    reader.problem(path, 'expected letters, digits, "_", "." or "-", starting with a letter or digit');
    return null;
  }
  return text;
}

/** Parses one service; null when it has problems (they are recorded). */
export function parseServiceManifest(name: string, value: unknown, path: ManifestPath, reader: ManifestReader): ParsedService | null {
  const before = reader.problemCount;
  if (!RESOURCE_NAME.test(name)) {
    reader.problem(path, 'service names are letters, digits, "_", "." or "-", starting with a letter or digit');
  }
  if (value === null || value === undefined) {
    reader.problem(path, 'expected a mapping with at least an image');
    return null;
  }
  const node = reader.mapping(value, path);
  if (node === undefined) return null;

  const image = reader.string(node.get('image'), [...path, 'image']);
  const noImage = node.get('image') === undefined || node.get('image') === null;
  // A service without an image (compose's build-only services) does not cost the product its
  // other stacks: only a deploy of its own stack is refused.
  if (noImage && node.has('build')) reader.warn([...path, 'build'], `not supported: ${NO_IMAGE}`);
  else if (noImage) reader.warn([...path, 'image'], `missing: ${NO_IMAGE}`);
  else if (image !== undefined && !imageReference.test(masked(image.trim()))) {
    reader.problem([...path, 'image'], `${JSON.stringify(image)} is not an image reference`);
  }
  // `build` already has its warning above when it stands in for the image.
  warnUnknownKeys(node, path, reader, noImage ? new Set([...KNOWN_KEYS, 'build']) : KNOWN_KEYS);

  const containerName = reader.eitherKey(node, path, 'containerName', 'container_name');
  const dependsOn = reader.eitherKey(node, path, 'dependsOn', 'depends_on');
  const workingDir = reader.eitherKey(node, path, 'workingDir', 'working_dir');
  const healthCheck = reader.eitherKey(node, path, 'healthCheck', 'healthcheck');

  const rawLifecycle = reader.string(node.get('lifecycle'), [...path, 'lifecycle'])?.toLowerCase() ?? 'service';
  let lifecycle: ServiceLifecycle = 'service';
  if (rawLifecycle === 'init') lifecycle = 'init';
  else if (rawLifecycle !== 'service') reader.problem([...path, 'lifecycle'], 'expected service or init');

  let restart: RestartPolicy = lifecycle === 'init' ? 'no' : 'unless-stopped';
  const rawRestart = reader.string(node.get('restart'), [...path, 'restart']);
  if (rawRestart !== undefined) {
    const policy = RESTART_POLICIES.find((known) => known === rawRestart);
    if (policy === undefined) reader.problem([...path, 'restart'], `expected ${RESTART_POLICIES.join(', ')}`);
    // An init container that is always restarted never finishes, so the deploy would wait forever.
    else if (lifecycle === 'init' && (policy === 'always' || policy === 'unless-stopped')) {
      reader.problem([...path, 'restart'], 'init containers run once; use no or on-failure');
    } else restart = policy;
  }

  const service: ServiceManifest = {
    name,
    image: image ?? null,
    containerName: parseName(containerName.value, [...path, containerName.key], reader),
    ports: parsePorts(node.get('ports'), [...path, 'ports'], reader),
    environment: parseKeyValues(node.get('environment'), [...path, 'environment'], reader),
    volumes: parseVolumes(node.get('volumes'), [...path, 'volumes'], reader),
    networks: parseNameList(node.get('networks'), [...path, 'networks'], reader),
    dependsOn: parseNameList(dependsOn.value, [...path, dependsOn.key], reader),
    command: parseCommand(node.get('command'), [...path, 'command'], reader),
    entrypoint: parseCommand(node.get('entrypoint'), [...path, 'entrypoint'], reader),
    workingDir: reader.string(workingDir.value, [...path, workingDir.key]) ?? null,
    user: reader.string(node.get('user'), [...path, 'user']) ?? null,
    restart,
    labels: parseKeyValues(node.get('labels'), [...path, 'labels'], reader),
    healthCheck: parseHealthCheck(healthCheck.value, [...path, healthCheck.key], reader),
    lifecycle,
    initTimeoutSeconds:
      reader.integer(node.get('initTimeoutSeconds'), [...path, 'initTimeoutSeconds'], 1, 86_400) ?? DEFAULT_INIT_TIMEOUT_SECONDS,
    swarm: parseSwarmFields(node, path, reader),
  };
  for (const key of Object.keys(service.labels)) {
    // The host finds its containers by these labels; a manifest must not be able to forge them.
    // Other `rsgo.*` keys (ReadyStackGo's `rsgo.role`, `rsgo.redeploy`) are the author's.
    if (reservedLabelKeys.has(key)) reader.problem([...path, 'labels', key], 'reserved: the host sets this label');
  }
  service.networks.forEach((network, index) => {
    if (!RESOURCE_NAME.test(network)) reader.problem([...path, 'networks', index], `${JSON.stringify(network)} is not a network name`);
  });
  return reader.problemCount === before ? { service, dependsOnKey: dependsOn.key } : null;
}
