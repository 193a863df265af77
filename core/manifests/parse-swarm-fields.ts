/**
 * A service's Swarm fields, written our way (`replicas`, `placement`, `update`, `resources`,
 * `endpointMode` on the service) or compose's way (the `deploy:` block with `update_config`,
 * `failure_action`, `endpoint_mode`). One field given both ways is a problem: which one wins
 * would be a guess.
 */
import { parseDuration } from './duration.js';
import type { ManifestPath } from './manifest-error.js';
import type { ManifestMapping, ManifestReader } from './manifest-reader.js';
import { DEFAULT_SWARM_FIELDS, type ResourceLimits, type SwarmFields, type UpdatePolicy } from './swarm-fields.js';
import { warnUnknownKeys } from './warn-unknown-keys.js';

/** The service keys this parser reads. */
export const SWARM_SERVICE_KEYS: readonly string[] = ['replicas', 'placement', 'update', 'resources', 'endpointMode', 'deploy'];

/** Keys of compose's `deploy:` block that are read; the others are warned about. */
const DEPLOY_KEYS: ReadonlySet<string> = new Set(['replicas', 'placement', 'update_config', 'resources', 'endpoint_mode']);

const MAX_REPLICAS = 1000;

/** Byte units of compose memory sizes (`512m`, `1.5g`, `100k`, `2048b`, or a bare number of bytes). */
const byteUnits: Readonly<Record<string, number>> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Where one field was found: on the service (ours) or in `deploy:` (compose's). */
interface Field {
  readonly value: unknown;
  readonly path: ManifestPath;
  /** Found in compose's `deploy:` block, so its own keys are spelled compose's way. */
  readonly compose: boolean;
}

/** The field from the service or from `deploy:`; both is a problem. */
function either(node: ManifestMapping, deploy: ManifestMapping | undefined, path: ManifestPath, ours: string, compose: string, reader: ManifestReader): Field {
  const fromDeploy = deploy?.get(compose);
  if (node.has(ours) && fromDeploy !== undefined) reader.problem([...path, 'deploy', compose], `give either ${ours} or deploy.${compose}, not both`);
  return node.has(ours) ? { value: node.get(ours), path: [...path, ours], compose: false } : { value: fromDeploy, path: [...path, 'deploy', compose], compose: true };
}

function oneOf<T extends string>(value: unknown, path: ManifestPath, reader: ManifestReader, allowed: readonly T[], fallback: T): T {
  const text = reader.string(value, path);
  if (text === undefined) return fallback;
  const known = allowed.find((a) => a === text.trim().toLowerCase());
  if (known === undefined) reader.problem(path, `expected ${allowed.join(' or ')}`);
  return known ?? fallback;
}

function parseUpdate(field: Field, reader: ManifestReader): UpdatePolicy {
  const node = reader.mapping(field.value, field.path);
  const at = (key: string): ManifestPath => [...field.path, key];
  const failureKey = field.compose ? 'failure_action' : 'failureAction';
  if (node !== undefined) warnUnknownKeys(node, field.path, reader, new Set(['order', 'parallelism', 'delay', failureKey]));
  const delayText = reader.string(node?.get('delay'), at('delay'));
  const delayMs = delayText === undefined ? 0 : parseDuration(delayText);
  if (delayMs === null) reader.problem(at('delay'), 'expected a duration such as 10s or 1m30s');
  const defaults = DEFAULT_SWARM_FIELDS.update;
  return {
    order: oneOf(node?.get('order'), at('order'), reader, ['start-first', 'stop-first'], defaults.order),
    parallelism: reader.integer(node?.get('parallelism'), at('parallelism'), 1, MAX_REPLICAS) ?? defaults.parallelism,
    delayMs: delayMs ?? defaults.delayMs,
    failureAction: oneOf(node?.get(failureKey), at(failureKey), reader, ['rollback', 'pause'], defaults.failureAction),
  };
}

function parseMemory(value: unknown, path: ManifestPath, reader: ManifestReader): number | null {
  const text = reader.string(value, path);
  if (text === undefined) return null;
  const match = /^(\d+(?:\.\d+)?)\s*([bkmg])?b?$/i.exec(text.trim());
  const bytes = match ? Math.round(Number(match[1]) * (byteUnits[(match[2] ?? 'b').toLowerCase()] ?? 1)) : 0;
  if (bytes < 4 * 1024 ** 2) {
    reader.problem(path, 'expected a memory size of at least 4m, such as 256m or 1.5g');
    return null;
  }
  return bytes;
}

function parseLimits(field: Field, reader: ManifestReader): ResourceLimits {
  const resources = reader.mapping(field.value, field.path);
  const limitsPath = [...field.path, 'limits'];
  if (resources !== undefined) warnUnknownKeys(resources, field.path, reader, new Set(['limits']));
  const limits = reader.mapping(resources?.get('limits'), limitsPath);
  if (limits !== undefined) warnUnknownKeys(limits, limitsPath, reader, new Set(['cpus', 'memory']));
  const cpus = reader.number(limits?.get('cpus'), [...limitsPath, 'cpus']);
  if (cpus !== undefined && !(cpus > 0)) reader.problem([...limitsPath, 'cpus'], 'expected a number of CPUs above 0, such as 0.5');
  return {
    nanoCpus: cpus !== undefined && cpus > 0 ? Math.round(cpus * 1e9) : null,
    memoryBytes: parseMemory(limits?.get('memory'), [...limitsPath, 'memory'], reader),
  };
}

function parseConstraints(field: Field, reader: ManifestReader): string[] {
  const placement = reader.mapping(field.value, field.path);
  if (placement !== undefined) warnUnknownKeys(placement, field.path, reader, new Set(['constraints']));
  const constraints = reader.stringList(placement?.get('constraints'), [...field.path, 'constraints']) ?? [];
  constraints.forEach((constraint, index) => {
    if (!/^\S.*(==|!=).*\S$/.test(constraint)) reader.problem([...field.path, 'constraints', index], 'expected <attribute> == <value> or <attribute> != <value>');
  });
  return constraints;
}

/** The service's Swarm fields, defaults applied; problems are recorded on `reader`. */
export function parseSwarmFields(node: ManifestMapping, path: ManifestPath, reader: ManifestReader): SwarmFields {
  const deployPath = [...path, 'deploy'];
  const deploy = reader.mapping(node.get('deploy'), deployPath);
  if (deploy !== undefined) warnUnknownKeys(deploy, deployPath, reader, DEPLOY_KEYS);
  const replicas = either(node, deploy, path, 'replicas', 'replicas', reader);
  const endpointMode = either(node, deploy, path, 'endpointMode', 'endpoint_mode', reader);
  return {
    replicas: reader.integer(replicas.value, replicas.path, 0, MAX_REPLICAS) ?? DEFAULT_SWARM_FIELDS.replicas,
    placementConstraints: parseConstraints(either(node, deploy, path, 'placement', 'placement', reader), reader),
    update: parseUpdate(either(node, deploy, path, 'update', 'update_config', reader), reader),
    limits: parseLimits(either(node, deploy, path, 'resources', 'resources', reader), reader),
    endpointMode: oneOf(endpointMode.value, endpointMode.path, reader, ['vip', 'dnsrr'], DEFAULT_SWARM_FIELDS.endpointMode),
  };
}
