import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import {
  UnavailableError, UpstreamError, errorMessage, type Mount, type PortBinding, type PlannedService,
} from '../../core/plugin-api.js';
import { abortedBecause } from './deploy-deadline.js';
import type { DockerEnvironment } from './docker-environment-settings.js';
import type { RegistryCredentials } from './docker-runtime-options.js';
import { DOCKER_HUB, normalizeRegistryHost, registryHost } from './registry-host.js';

/** A container HEALTHCHECK in engine terms. */
export interface ContainerHealthCheck {
  /** Docker's form: `['CMD', ...]` or `['CMD-SHELL', '...']`. */
  readonly test: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly startPeriodMs: number;
}

/** Everything needed to create one container. */
export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly command: readonly string[] | null;
  readonly entrypoint: readonly string[] | null;
  readonly environment: Readonly<Record<string, string>>;
  readonly workingDir: string | null;
  readonly user: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly PortBinding[];
  readonly mounts: readonly Mount[];
  readonly restart: PlannedService['restart'];
  readonly healthCheck: ContainerHealthCheck | null;
  /** Networks to join, by full name; the container gets `aliases` on each. */
  readonly networks: readonly string[];
  readonly aliases: readonly string[];
}

/** A container as listed by label. */
export interface ContainerSummary {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly imageId: string;
  /** Engine state: `running`, `exited`, `created`, `restarting`... */
  readonly status: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The run state of one container, as far as a deploy needs it. */
export interface ContainerState extends ContainerSummary {
  readonly restartCount: number;
  readonly exitCode: number;
  readonly oomKilled: boolean;
  /** The engine's own error for a container that could not run (bad entrypoint...); empty otherwise. */
  readonly error: string;
  readonly startedAt: Date | null;
  /** `null` when the container has no health check (neither from the plan nor from its image). */
  readonly health: { readonly status: string; readonly lastOutput: string | null; readonly lastExitCode: number | null } | null;
}

/** A network or volume with its labels. */
export interface EngineResource {
  readonly id: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A network and how many containers are attached to it. */
export interface NetworkState extends EngineResource {
  readonly containerCount: number;
}

/** How to reach one environment's engine, and with which registry credentials. */
export interface EngineSettings {
  /** Socket used when the environment's `dockerHost` is `null`. */
  readonly socketPath: string;
  readonly registries: readonly RegistryCredentials[];
}

/**
 * The engine answered, but refused or failed a request. `statusCode` is the engine's HTTP
 * status (`null` for a failure reported inside a stream, as pulls do), `reason` its own words.
 */
export class DockerEngineError extends UpstreamError {
  readonly statusCode: number | null;
  readonly reason: string;
  constructor(environment: string, action: string, statusCode: number | null, reason: string, cause?: unknown) {
    super(`Docker engine of environment '${environment}' could not ${action}: ${reason}`, {
      code: 'DOCKER_ENGINE_FAILED',
      cause,
    });
    this.statusCode = statusCode;
    this.reason = reason;
  }
}

/** How long a ping may take before the engine counts as unreachable. */
const PING_TIMEOUT_MS = 10_000;

/** Marks each container with the create request that made it, to find one from an abandoned request. */
const CREATE_REQUEST_LABEL = 'rsgo.create-request';
/** How long an abandoned create is watched for: the engine may come back much later. */
const ABANDONED_CREATE_WATCH_MS = 3_600_000;
const ABANDONED_CREATE_LOOKS = 5;
const ABANDONED_CREATE_PAUSE_MS = 2_000;

/** How long to read past container events before cutting the stream off. */
const EVENTS_READ_MS = 2_000;

/**
 * The Docker Engine API of one environment, narrowed to what the runtime needs. This is the only
 * module that talks to dockerode: it turns engine replies into plain values and engine failures
 * into host errors (unreachable → {@link UnavailableError}, refused → {@link DockerEngineError}).
 */
export class DockerEngine {
  readonly #docker: Docker;
  readonly #environment: string;
  readonly #registries: readonly RegistryCredentials[];
  /** Whether the engine runs on this machine (reached through a socket): its paths are this machine's. */
  readonly local: boolean;
  /** Every request ends when this aborts (the operation's deadline), answered or not. */
  readonly #signal: AbortSignal | undefined;

  private constructor(docker: Docker, local: boolean, environment: string, registries: readonly RegistryCredentials[], signal: AbortSignal | undefined) {
    this.#docker = docker;
    this.local = local;
    this.#environment = environment;
    this.#registries = registries;
    this.#signal = signal;
  }

  /**
   * An engine client for the environment: its `dockerHost` (`unix:///path`, `tcp://host:port`,
   * with TLS when the environment has client certificates), or the settings' socket for `null`.
   * Every request is bounded by `signal`: a frozen engine cannot hold an operation past it.
   */
  static connect(environment: DockerEnvironment, settings: EngineSettings, signal?: AbortSignal): DockerEngine {
    const options = dockerOptions(environment, settings);
    return new DockerEngine(new Docker(options), options.socketPath !== undefined, environment.name, settings.registries, signal);
  }

  /** The same engine with its requests bounded by `signal` instead (e.g. cleaning up after a deadline). */
  boundedBy(signal: AbortSignal): DockerEngine {
    return new DockerEngine(this.#docker, this.local, this.#environment, this.#registries, signal);
  }

  /** Resolves when the engine answers; an {@link UnavailableError} naming the environment otherwise. */
  async ping(): Promise<void> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), PING_TIMEOUT_MS);
    const onAbort = () => timeout.abort(this.#signal?.reason);
    this.#signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (this.#signal?.aborted) throw this.#signal.reason;
      // dockerode takes an abort signal here; its type definitions do not declare the options.
      const ping = this.#docker.ping.bind(this.#docker) as unknown as (options: { abortSignal: AbortSignal }) => Promise<unknown>;
      await ping({ abortSignal: timeout.signal });
    } catch (err) {
      if (this.#signal?.aborted) throw new Error(abortedBecause(this.#signal), { cause: err });
      if (timeout.signal.aborted) throw this.#unreachable(`no answer within ${PING_TIMEOUT_MS / 1000}s`, err);
      throw this.#translate('answer a ping', err);
    } finally {
      clearTimeout(timer);
      this.#signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Whether the image is present on the engine. */
  async hasImage(image: string): Promise<boolean> {
    return (await this.#orNull('inspect an image', () => this.#docker.getImage(image).inspect())) !== null;
  }

  /**
   * Pulls an image, with the credentials configured for its registry host. `onStatus` receives
   * the engine's status lines (`Pulling fs layer`, `Status: Downloaded newer image ...`).
   */
  async pull(image: string, options: { signal: AbortSignal; onStatus?: (status: string) => void }): Promise<void> {
    const action = `pull image '${image}'`;
    const auth = this.#authFor(image);
    const stream = await this.#call(
      action,
      () => this.#docker.pull(image, { abortSignal: options.signal, ...(auth ? { authconfig: auth } : {}) }),
      options.signal,
    );
    // Pull failures after the request was accepted (unknown tag on some registries, a broken
    // layer) come inside the stream, not as an HTTP status.
    await this.#call(
      action,
      () =>
        readJsonLines(stream, (event) => {
          const failure = event['error'];
          if (typeof failure === 'string') throw new StreamError(failure);
          const status = event['status'];
          if (typeof status === 'string' && event['id'] === undefined) options.onStatus?.(status);
        }),
      options.signal,
    );
  }

  /** The network of that exact name, or `null`. */
  async findNetwork(name: string): Promise<NetworkState | null> {
    const info = await this.#orNull(`inspect network '${name}'`, () => this.#docker.getNetwork(name).inspect());
    // Inspect also matches id prefixes: only an exact name is the network asked for.
    if (info === null || info.Name !== name) return null;
    return { id: info.Id, name: info.Name, labels: info.Labels ?? {}, containerCount: Object.keys(info.Containers ?? {}).length };
  }

  /**
   * Creates a network (a bridge unless `driver` says otherwise), or finds the one a concurrent
   * deploy created meanwhile. `attachable` lets standalone containers join an overlay network.
   */
  async createNetwork(name: string, labels: Readonly<Record<string, string>>, options: { driver?: string; attachable?: boolean } = {}): Promise<void> {
    try {
      await this.#call(`create network '${name}'`, () =>
        this.#docker.createNetwork({
          Name: name,
          CheckDuplicate: true,
          Labels: { ...labels },
          ...(options.driver ? { Driver: options.driver } : {}),
          ...(options.attachable ? { Attachable: true } : {}),
          ...this.#abortable(),
        }),
      );
    } catch (err) {
      if (err instanceof DockerEngineError && err.statusCode === 409 && (await this.findNetwork(name))) return;
      throw err;
    }
  }

  /** Networks carrying `label` (`key=value`). */
  async listNetworks(label: string): Promise<EngineResource[]> {
    const networks = await this.#call('list networks', () => this.#docker.listNetworks({ filters: { label: [label] }, ...this.#abortable() }));
    return networks.map((n) => ({ id: n.Id, name: n.Name, labels: n.Labels ?? {} }));
  }

  /** Removes a network; a missing one is fine. */
  async removeNetwork(id: string): Promise<void> {
    await this.#orNull(`remove network '${id}'`, () => this.#docker.getNetwork(id).remove(this.#abortable()));
  }

  /** The volume of that name, or `null`. */
  async findVolume(name: string): Promise<EngineResource | null> {
    const info = await this.#orNull(`inspect volume '${name}'`, () => this.#docker.getVolume(name).inspect(this.#abortable()));
    return info === null ? null : { id: info.Name, name: info.Name, labels: info.Labels ?? {} };
  }

  /** Creates a local named volume. */
  async createVolume(name: string, labels: Readonly<Record<string, string>>): Promise<void> {
    await this.#call(`create volume '${name}'`, () => this.#docker.createVolume({ Name: name, Labels: { ...labels }, ...this.#abortable() }));
  }

  /** Volumes carrying `label` (`key=value`). */
  async listVolumes(label: string): Promise<EngineResource[]> {
    const { Volumes } = await this.#call('list volumes', () => this.#docker.listVolumes({ filters: { label: [label] }, ...this.#abortable() }));
    return (Volumes ?? []).map((v) => ({ id: v.Name, name: v.Name, labels: v.Labels ?? {} }));
  }

  /** Removes a named volume; a missing one is fine, one in use fails. */
  async removeVolume(name: string): Promise<void> {
    await this.#orNull(`remove volume '${name}'`, () => this.#docker.getVolume(name).remove(this.#abortable()));
  }

  /** Every container (running or not) carrying `label` (`key=value`). */
  async listContainers(label: string): Promise<ContainerSummary[]> {
    const containers = await this.#call('list containers', () =>
      this.#docker.listContainers({ all: true, filters: { label: [label] }, ...this.#abortable() }),
    );
    return containers.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
      image: c.Image,
      imageId: c.ImageID,
      status: c.State,
      labels: c.Labels ?? {},
    }));
  }

  /** The container with that id or exact name, or `null`. */
  async inspectContainer(idOrName: string): Promise<ContainerState | null> {
    const info = await this.#orNull(`inspect container '${idOrName}'`, () => this.#docker.getContainer(idOrName).inspect(this.#abortable()));
    if (info === null) return null;
    const { State: state } = info;
    const healthLog = state.Health?.Log ?? [];
    return {
      id: info.Id,
      name: info.Name.replace(/^\//, ''),
      image: info.Config.Image,
      imageId: info.Image,
      status: state.Status,
      labels: info.Config.Labels ?? {},
      restartCount: info.RestartCount,
      exitCode: state.ExitCode,
      oomKilled: state.OOMKilled,
      error: state.Error,
      startedAt: state.StartedAt && !state.StartedAt.startsWith('0001-') ? new Date(state.StartedAt) : null,
      health: state.Health
        ? { status: state.Health.Status, lastOutput: healthLog.at(-1)?.Output.trim() ?? null, lastExitCode: healthLog.at(-1)?.ExitCode ?? null }
        : null,
    };
  }

  /**
   * Creates a container on every network of the spec; returns its id. A create cut off by the
   * signal may still be carried out by an engine that was only slow or frozen: such a container
   * is removed as soon as the engine answers again (see {@link #removeAbandoned}).
   */
  async createContainer(spec: ContainerSpec): Promise<string> {
    const [firstNetwork, ...otherNetworks] = spec.networks;
    const endpoint = { Aliases: [...spec.aliases] };
    const request = randomUUID();
    const container = await this.#call(`create container '${spec.name}'`, () =>
      this.#docker.createContainer({
        name: spec.name,
        Image: spec.image,
        ...(spec.command ? { Cmd: [...spec.command] } : {}),
        ...(spec.entrypoint ? { Entrypoint: [...spec.entrypoint] } : {}),
        Env: Object.entries(spec.environment).map(([key, value]) => `${key}=${value}`),
        ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
        ...(spec.user ? { User: spec.user } : {}),
        Labels: { ...spec.labels, [CREATE_REQUEST_LABEL]: request },
        ExposedPorts: Object.fromEntries(spec.ports.map((p) => [portKey(p), {}])),
        ...(spec.healthCheck ? { Healthcheck: healthcheckConfig(spec.healthCheck) } : {}),
        HostConfig: {
          PortBindings: portBindings(spec.ports),
          Mounts: spec.mounts
            .filter((m) => m.type === 'volume')
            .map((m) => ({ Type: 'volume' as const, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
          // Bind mounts go through `Binds` because, like `docker run -v` and compose, it creates
          // a missing host folder instead of failing the deploy.
          Binds: spec.mounts
            .filter((m) => m.type === 'bind')
            .map((m) => `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`),
          RestartPolicy: { Name: spec.restart },
          ...(firstNetwork ? { NetworkMode: firstNetwork } : {}),
        },
        ...(firstNetwork ? { NetworkingConfig: { EndpointsConfig: { [firstNetwork]: endpoint } } } : {}),
        ...this.#abortable(),
      }).catch((err: unknown) => {
        if (this.#signal?.aborted) this.#removeAbandoned(request);
        throw err;
      }),
    );
    // Engines before API 1.44 accept one network at creation; the others are joined before start.
    for (const network of otherNetworks) {
      await this.#call(`connect container '${spec.name}' to network '${network}'`, () =>
        this.#docker.getNetwork(network).connect({ Container: container.id, EndpointConfig: endpoint, ...this.#abortable() }),
      );
    }
    return container.id;
  }

  /**
   * Removes, in the background, the container an abandoned create request may yet make: the
   * first look waits for the engine to answer again (bounded), a few more follow, since the
   * engine may carry the request out after answering the look.
   */
  #removeAbandoned(request: string): void {
    const engine = this.boundedBy(AbortSignal.timeout(ABANDONED_CREATE_WATCH_MS));
    void (async () => {
      for (let look = 0; look < ABANDONED_CREATE_LOOKS; look++) {
        for (const container of await engine.listContainers(`${CREATE_REQUEST_LABEL}=${request}`)) await engine.removeContainer(container.id);
        await sleep(ABANDONED_CREATE_PAUSE_MS);
      }
    })().catch(() => undefined);
  }

  /** Starts a created container. */
  async startContainer(id: string): Promise<void> {
    await this.#call(`start container '${id}'`, () => this.#docker.getContainer(id).start(this.#abortable()));
  }

  /** Stops a container (SIGTERM, then SIGKILL after `timeoutSeconds`); a stopped or missing one is fine. */
  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.#call(`stop container '${id}'`, () => this.#docker.getContainer(id).stop({ t: timeoutSeconds, ...this.#abortable() }));
    } catch (err) {
      if (err instanceof DockerEngineError && (err.statusCode === 304 || err.statusCode === 404)) return;
      throw err;
    }
  }

  /** Restarts a container (stopping it as {@link stopContainer} does first, when it runs). */
  async restartContainer(id: string, timeoutSeconds: number): Promise<void> {
    await this.#call(`restart container '${id}'`, () => this.#docker.getContainer(id).restart({ t: timeoutSeconds, ...this.#abortable() }));
  }

  /**
   * The container's log as the engine sends it (stdout and stderr framed, each line timestamped):
   * its last `tail` lines (all without `tail`), then with `follow` new ones as they come until
   * `signal` aborts. A whole buffer without `follow`, a stream with it.
   */
  async containerLog(id: string, options: { tail?: number; follow: boolean; signal: AbortSignal }): Promise<Buffer | AsyncIterable<string | Buffer>> {
    const read = this.#docker.getContainer(id);
    const request = { stdout: true, stderr: true, timestamps: true, ...(options.tail === undefined ? {} : { tail: options.tail }), abortSignal: options.signal } as const;
    return this.#call<Buffer | NodeJS.ReadableStream>(
      `read the logs of container '${id}'`,
      () => (options.follow ? read.logs({ ...request, follow: true }) : read.logs({ ...request, follow: false })),
      options.signal,
    );
  }

  /** Removes a container and its anonymous volumes (never named ones); a missing one is fine. */
  async removeContainer(id: string): Promise<void> {
    await this.#orNull(`remove container '${id}'`, () => this.#docker.getContainer(id).remove({ v: true, force: true, ...this.#abortable() }));
  }

  /** Waits until the container stops; resolves with its exit code. Rejects when `signal` aborts. */
  async waitContainer(id: string, signal: AbortSignal): Promise<number> {
    const result: unknown = await this.#call(
      `wait for container '${id}'`,
      () => this.#docker.getContainer(id).wait({ abortSignal: signal }),
      signal,
    );
    const code = isRecord(result) ? result['StatusCode'] : undefined;
    return typeof code === 'number' ? code : -1;
  }

  /** The last `lines` lines of the container's stdout and stderr, interleaved as written. */
  async containerLogs(id: string, lines: number): Promise<string[]> {
    const raw: unknown = await this.#call(`read the logs of container '${id}'`, () =>
      this.#docker.getContainer(id).logs({ stdout: true, stderr: true, tail: lines, follow: false, ...this.#abortable() }),
    );
    const text = Buffer.isBuffer(raw) ? demultiplex(raw) : String(raw ?? '');
    return text.split('\n').map((line) => line.trimEnd()).filter((line) => line !== '');
  }

  /**
   * The exit code of the container's most recent exit since `since`, from the engine's events.
   * Needed for a container in a restart loop: its state shows the exit code only in the short
   * moment between an exit and the next restart.
   */
  async lastExitCode(id: string, since: Date): Promise<number | null> {
    // Past events arrive at once; after them the engine holds the stream open until `until` by
    // its own clock, which may run behind ours. The stream is cut off once the events are in.
    const cutOff = new AbortController();
    const timer = setTimeout(() => cutOff.abort(), EVENTS_READ_MS);
    let exitCode: number | null = null;
    try {
      const stream = await this.#call(
        'read container events',
        () =>
          this.#docker.getEvents({
            since: Math.floor(since.getTime() / 1000),
            // Fractional, so the stream ends now rather than at the next full second.
            until: Date.now() / 1000,
            filters: { type: ['container'], event: ['die'], container: [id] },
            abortSignal: cutOff.signal,
          }),
        cutOff.signal,
      );
      await this.#call(
        'read container events',
        () =>
          readJsonLines(stream, (event) => {
            const actor = event['Actor'];
            const attributes = isRecord(actor) ? actor['Attributes'] : undefined;
            const code = isRecord(attributes) ? Number(attributes['exitCode']) : Number.NaN;
            if (Number.isInteger(code)) exitCode = code;
          }),
        cutOff.signal,
      );
    } catch (err) {
      if (!cutOff.signal.aborted) throw err;
    } finally {
      clearTimeout(timer);
    }
    return exitCode;
  }

  /**
   * Any other engine request, for runtimes that need more of the API (Swarm services): `send`
   * gets the client and the option that bounds the request by the engine's signal; failures are
   * translated as for every request here.
   */
  async request<T>(action: string, send: (docker: Docker, bound: { abortSignal?: AbortSignal }) => Promise<T>): Promise<T> {
    return this.#call(action, () => send(this.#docker, this.#abortable()));
  }

  /** The credentials configured for the image's registry, as the engine takes them; `null` for none. */
  registryAuth(image: string): { username: string; password: string; serveraddress: string } | null {
    return this.#authFor(image);
  }

  #authFor(image: string): { username: string; password: string; serveraddress: string } | null {
    const host = registryHost(image);
    const credentials = this.#registries.find((r) => normalizeRegistryHost(r.host) === host);
    if (!credentials) return null;
    // Docker Hub credentials are keyed by the index address, as `docker login` stores them.
    const serveraddress = host === DOCKER_HUB ? 'https://index.docker.io/v1/' : host;
    return { username: credentials.username, password: credentials.password, serveraddress };
  }

  /** The request option that cuts a request off when the engine's signal aborts. */
  #abortable(): { abortSignal?: AbortSignal } {
    return this.#signal === undefined ? {} : { abortSignal: this.#signal };
  }

  /**
   * Runs one engine request, translating its failure. A request cut off by its own `signal`
   * or the engine's fails with the original error: the caller's deadline ended it, not the
   * engine. The request ends when the engine's signal aborts even where dockerode cannot
   * cut it off (image and network inspection): the operation never waits past its deadline.
   */
  async #call<T>(action: string, request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await untilAborted(request, this.#signal);
    } catch (err) {
      if (this.#signal?.aborted) throw new Error(abortedBecause(this.#signal), { cause: err });
      if (signal?.aborted) throw err;
      throw this.#translate(action, err);
    }
  }

  /** Like {@link #call}, but a 404 ("no such ...") resolves to `null`. */
  async #orNull<T>(action: string, request: () => Promise<T>): Promise<T | null> {
    try {
      return await this.#call(action, request);
    } catch (err) {
      if (err instanceof DockerEngineError && err.statusCode === 404) return null;
      throw err;
    }
  }

  #translate(action: string, err: unknown): unknown {
    if (err instanceof DockerEngineError || err instanceof UnavailableError) return err;
    // An abort is the caller's own deadline; it knows better how to word it.
    if (isAbort(err)) return err;
    if (err instanceof StreamError) return new DockerEngineError(this.#environment, action, null, err.message, err);
    const statusCode = isRecord(err) ? err['statusCode'] : undefined;
    if (typeof statusCode === 'number') {
      return new DockerEngineError(this.#environment, action, statusCode, engineReason(err), err);
    }
    // No HTTP status at all: the request never got an answer (refused, no socket, TLS, DNS).
    return this.#unreachable(errorMessage(err), err);
  }

  #unreachable(reason: string, cause: unknown): UnavailableError {
    return new UnavailableError(`Docker engine of environment '${this.#environment}' is unreachable: ${reason}`, {
      code: 'DOCKER_UNREACHABLE',
      cause,
    });
  }
}

/** `request()`, or a rejection with the signal's reason as soon as `signal` aborts. */
function untilAborted<T>(request: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return request();
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    request().then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** An error the engine reported inside a JSON stream. */
class StreamError extends Error {}

function dockerOptions(environment: DockerEnvironment, settings: EngineSettings): Docker.DockerOptions {
  const address = environment.settings.dockerHost;
  // `host: undefined` keeps a DOCKER_HOST in the host's own environment from overriding the socket.
  if (address === null) return { socketPath: settings.socketPath, host: undefined };
  if (address.startsWith('unix://')) return { socketPath: address.slice('unix://'.length), host: undefined };
  if (address.startsWith('tcp://')) {
    let url: URL;
    try {
      url = new URL(`http://${address.slice('tcp://'.length)}`);
    } catch {
      throw unsupportedAddress(environment);
    }
    const tls = environment.settings.tls;
    return {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || (tls ? '2376' : '2375'),
      ...(tls ? { protocol: 'https' as const, ca: tls.ca, cert: tls.cert, key: tls.key } : { protocol: 'http' as const }),
    };
  }
  throw unsupportedAddress(environment);
}

function unsupportedAddress(environment: DockerEnvironment): UnavailableError {
  return new UnavailableError(
    `Docker engine of environment '${environment.name}' is unreachable: unsupported address '${environment.settings.dockerHost}' (expected unix:///path or tcp://host:port)`,
    { code: 'DOCKER_UNREACHABLE' },
  );
}

function portKey(port: PortBinding): string {
  return `${port.containerPort}/${port.protocol}`;
}

function portBindings(ports: readonly PortBinding[]): Record<string, Array<{ HostIp: string; HostPort: string }>> {
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const port of ports) {
    (bindings[portKey(port)] ??= []).push({ HostIp: port.hostIp ?? '', HostPort: String(port.hostPort) });
  }
  return bindings;
}

function healthcheckConfig(check: ContainerHealthCheck): Docker.HealthConfig {
  const ns = (ms: number) => Math.round(ms * 1_000_000);
  return {
    Test: [...check.test],
    Interval: ns(check.intervalMs),
    Timeout: ns(check.timeoutMs),
    Retries: check.retries,
    StartPeriod: ns(check.startPeriodMs),
  };
}

/** The engine's own sentence from a dockerode error (its JSON `message`), else the error text. */
function engineReason(err: unknown): string {
  const json = isRecord(err) ? err['json'] : undefined;
  const message = isRecord(json) ? json['message'] : undefined;
  return (typeof message === 'string' && message.trim()) || errorMessage(err).replace(/^\(HTTP code \d+\)\s*/, '').trim();
}

function isAbort(err: unknown): boolean {
  return isRecord(err) && (err['name'] === 'AbortError' || err['code'] === 'ABORT_ERR');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Reads a stream of JSON objects, one per line (pull progress, events), until it ends. */
async function readJsonLines(stream: NodeJS.ReadableStream, onEvent: (event: Record<string, unknown>) => void): Promise<void> {
  let pending = '';
  const handle = (line: string) => {
    if (line.trim() === '') return;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      return; // Not every engine line is JSON (proxies add noise); progress is best effort.
    }
    if (isRecord(event)) onEvent(event);
  };
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    lines.forEach(handle);
  }
  handle(pending);
}

/**
 * The text of a non-TTY log stream: the engine frames each write with an 8-byte header (stream
 * type, three zero bytes, big-endian length).
 */
function demultiplex(raw: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const length = raw.readUInt32BE(offset + 4);
    parts.push(raw.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  return Buffer.concat(parts).toString('utf8');
}
