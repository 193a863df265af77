import type Docker from 'dockerode';
import { DockerEngineError, type DockerEngine } from '../docker-runtime/docker-engine.js';

/** Where this engine stands in a Swarm. */
export interface SwarmMembership {
  /** `inactive`, `pending`, `active`, `error`, `locked`. */
  readonly state: string;
  /** Whether it is a manager, which alone accepts service requests. */
  readonly manager: boolean;
  /** The engine's own words when joining failed; empty otherwise. */
  readonly error: string;
}

/** A Swarm service as the runtime needs it. */
export interface SwarmService {
  readonly id: string;
  readonly name: string;
  /** Raft version: an update must name the version it replaces. */
  readonly version: number;
  readonly spec: Docker.ServiceSpec;
  readonly labels: Readonly<Record<string, string>>;
  /** The image of its task template (`repo:tag@sha256:…`). */
  readonly image: string;
  /** The networks its tasks join, as Swarm keeps them (ids). */
  readonly networks: readonly string[];
  /** What its tasks must run ({@link taskSpecKey}). */
  readonly specKey: string;
  /** `null` for a replicated job or a global service. */
  readonly replicas: number | null;
  readonly hasHealthCheck: boolean;
  /** `null` while no update ran since the service was created or last changed. */
  readonly update: { readonly state: string; readonly message: string; readonly startedAt: string | null } | null;
}

/** One task of a service: a slot's container, in one of Swarm's task states. */
export interface SwarmTask {
  readonly id: string;
  readonly slot: number | null;
  /** `new`, `pending`, `assigned`, `accepted`, `preparing`, `starting`, `running`, `complete`, `failed`, `shutdown`, `rejected`, `orphaned`, `remove`. */
  readonly state: string;
  readonly desiredState: string;
  /** Swarm's status message (`started`, `no suitable node (...)`) and error, if any. */
  readonly message: string;
  readonly error: string;
  /** What the task runs ({@link taskSpecKey}), to tell whether it runs the service's current spec. */
  readonly specKey: string;
  readonly containerId: string | null;
}

/** Registry credentials in the engine's form, sent as `X-Registry-Auth`. */
export type RegistryAuth = { username: string; password: string; serveraddress: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const stringMap = (value: unknown): Record<string, string> =>
  isRecord(value) ? Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : []))) : {};

/**
 * The Swarm part of the Engine API (services, tasks, the registry's digest of a tag) on a
 * manager, through the Docker runtime's engine client: the same connection settings, deadline
 * and error translation as every other engine request.
 */
export class SwarmServices {
  readonly engine: DockerEngine;

  constructor(engine: DockerEngine) {
    this.engine = engine;
  }

  /** This engine's place in a Swarm. */
  async membership(): Promise<SwarmMembership> {
    const info: unknown = await this.engine.request('read its Swarm state', (docker) => docker.info());
    const swarm = isRecord(info) && isRecord(info['Swarm']) ? info['Swarm'] : {};
    return { state: text(swarm['LocalNodeState']) || 'inactive', manager: swarm['ControlAvailable'] === true, error: text(swarm['Error']) };
  }

  /**
   * The digest the registry serves for the reference now (`sha256:…`), asked with its
   * registry's credentials; `null` when the registry's answer names none.
   */
  async registryDigest(image: string): Promise<string | null> {
    const auth = this.engine.registryAuth(image);
    const info: unknown = await this.engine.request(`resolve image '${image}' in its registry`, (docker, bound) =>
      docker.getImage(image).distribution({ ...(auth ? { authconfig: auth } : {}), ...bound }),
    );
    const descriptor = isRecord(info) && isRecord(info['Descriptor']) ? info['Descriptor'] : {};
    const digest = text(descriptor['digest']);
    return digest.startsWith('sha256:') ? digest : null;
  }

  /** Services carrying `label` (`key=value`). */
  async list(label: string): Promise<SwarmService[]> {
    const services: unknown[] = await this.engine.request('list services', (docker, bound) => docker.listServices({ filters: { label: [label] }, ...bound }));
    return services.flatMap((service) => serviceOf(service) ?? []);
  }

  /** The service of that exact name or id, or `null`. */
  async find(nameOrId: string): Promise<SwarmService | null> {
    try {
      const service = serviceOf(await this.engine.request(`inspect service '${nameOrId}'`, (docker, bound) => docker.getService(nameOrId).inspect(bound)));
      return service !== null && (service.name === nameOrId || service.id === nameOrId) ? service : null;
    } catch (err) {
      if (err instanceof DockerEngineError && err.statusCode === 404) return null;
      throw err;
    }
  }

  /** Creates a service; resolves its id. */
  async create(spec: Docker.ServiceSpec, auth: RegistryAuth | null): Promise<string> {
    const created = await this.engine.request(`create service '${spec.Name ?? ''}'`, (docker, bound) =>
      auth ? docker.createService(auth, { ...spec, ...bound }) : docker.createService({ ...spec, ...bound }),
    );
    return created.id;
  }

  /**
   * Replaces a service's spec (`rollback: false`), or asks Swarm to put its previous spec back
   * (`rollback: true`, as `docker service rollback`). `version` is the one the caller read.
   */
  async update(service: SwarmService, spec: Docker.ServiceSpec, options: { auth: RegistryAuth | null; rollback?: boolean }): Promise<void> {
    const query = { version: service.version, ...(options.rollback ? { rollback: 'previous' } : {}) };
    await this.engine.request(`${options.rollback ? 'roll back' : 'update'} service '${service.name}'`, (docker, bound) =>
      docker.getService(service.id).update({ _query: query, _body: spec, ...(options.auth ? { authconfig: options.auth } : {}), ...bound }),
    );
  }

  /** Removes a service (Swarm then stops its tasks); a missing one is fine. */
  async remove(id: string): Promise<void> {
    try {
      await this.engine.request(`remove service '${id}'`, (docker, bound) => docker.getService(id).remove(bound));
    } catch (err) {
      if (!(err instanceof DockerEngineError && err.statusCode === 404)) throw err;
    }
  }

  /**
   * The output of the service's tasks, wherever they run, written since `since`: framed and
   * timestamped as a container's log, each line after its task's details
   * (`com.docker.swarm.task.id=…`). With `follow`, new lines as they come until `signal` aborts.
   */
  async serviceLog(id: string, options: { since: Date; follow: boolean; signal: AbortSignal }): Promise<Buffer | NodeJS.ReadableStream> {
    const since = Math.floor(options.since.getTime() / 1000);
    return this.engine.request(`read the logs of service '${id}'`, (docker, bound) =>
      docker.getService(id).logs({
        stdout: true,
        stderr: true,
        timestamps: true,
        details: true,
        since,
        follow: options.follow,
        abortSignal: bound.abortSignal ? AbortSignal.any([bound.abortSignal, options.signal]) : options.signal,
      }),
    );
  }

  /** The service's tasks, the ones it keeps as history included. */
  async tasks(serviceId: string): Promise<SwarmTask[]> {
    const tasks: unknown[] = await this.engine.request('list tasks', (docker, bound) => docker.listTasks({ filters: { service: [serviceId] }, ...bound }));
    return tasks.flatMap((task) => taskOf(task) ?? []);
  }
}

/**
 * The part of a task spec that tells tasks of two specs apart: the container and the force
 * counter (a task's stored spec leaves out some of the service's fields, so the whole does not compare).
 */
function taskSpecKey(spec: unknown): string {
  return isRecord(spec) ? JSON.stringify([spec['ContainerSpec'] ?? null, spec['ForceUpdate'] ?? 0]) : '';
}

/** Whether the container spec sets a health check; the engine answers the field as `Healthcheck`. */
function hasHealthCheck(container: Docker.ContainerSpec | undefined): boolean {
  const check: unknown = isRecord(container) ? (container['Healthcheck'] ?? container['HealthCheck']) : undefined;
  const test: unknown = isRecord(check) ? check['Test'] : undefined;
  return Array.isArray(test) && test.length > 0 && test[0] !== 'NONE';
}

function serviceOf(value: unknown): SwarmService | null {
  if (!isRecord(value) || typeof value['ID'] !== 'string' || !isRecord(value['Spec'])) return null;
  const spec = value['Spec'] as Docker.ServiceSpec;
  const template = isRecord(spec.TaskTemplate) ? (spec.TaskTemplate as Docker.ContainerTaskSpec) : {};
  const version = isRecord(value['Version']) ? Number(value['Version']['Index']) : 0;
  const update = isRecord(value['UpdateStatus']) ? value['UpdateStatus'] : null;
  return {
    id: value['ID'],
    name: spec.Name ?? '',
    version,
    spec,
    labels: stringMap(spec.Labels),
    image: template.ContainerSpec?.Image ?? '',
    networks: (template.Networks ?? []).map((network) => network.Target ?? ''),
    specKey: taskSpecKey(template),
    replicas: spec.Mode?.Replicated ? (spec.Mode.Replicated.Replicas ?? 1) : null,
    hasHealthCheck: hasHealthCheck(template.ContainerSpec),
    update: update === null ? null : { state: text(update['State']), message: text(update['Message']), startedAt: text(update['StartedAt']) || null },
  };
}

function taskOf(value: unknown): SwarmTask | null {
  if (!isRecord(value) || typeof value['ID'] !== 'string') return null;
  const status = isRecord(value['Status']) ? value['Status'] : {};
  const container = isRecord(status['ContainerStatus']) ? status['ContainerStatus'] : {};
  return {
    id: value['ID'],
    slot: typeof value['Slot'] === 'number' ? value['Slot'] : null,
    state: text(status['State']),
    desiredState: text(value['DesiredState']),
    message: text(status['Message']),
    error: text(status['Err']),
    specKey: taskSpecKey(value['Spec']),
    containerId: text(container['ContainerID']) || null,
  };
}
