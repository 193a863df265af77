import type { z } from 'zod';
import { formatIssues } from '../config/format-issues.js';
import { HostError, InputError, PluginError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DeployedService, PlanEnvironment } from './deploy-plan.js';
import type { ContainerAction, PublicSetting, RuntimeCallContext, RuntimeDefinition, RuntimeLogLine } from './runtime.js';

/** An environment's settings as stored: the JSON object its runtime's schema produced. */
export type EnvironmentSettings = Readonly<Record<string, unknown>>;

/** What identifies a deployment to its runtime, besides the environment. */
export interface DeploymentRef {
  readonly deploymentId: string;
  readonly stackName: string;
}

/** A registered runtime as the core calls it: settings untyped, every call attributed to its plugin. */
export interface ServedRuntime {
  readonly type: string;
  /** The plugin instance that registered it. */
  readonly plugin: string;
  /**
   * The settings to store for an environment created with `input`.
   * @throws InputError naming each field the runtime's schema refused.
   */
  validSettings(input: EnvironmentSettings): EnvironmentSettings;
  /**
   * Asks the runtime whether it can serve an environment with these (valid) settings.
   * @throws InputError (or another host error) saying why not.
   */
  check(name: string, settings: EnvironmentSettings, signal: AbortSignal): Promise<void>;
  /** The stored settings the API may show. */
  publicSettings(settings: EnvironmentSettings): Readonly<Record<string, PublicSetting>>;
  /** The deployment's containers on `environment` now. */
  inspect(environment: PlanEnvironment, deployment: DeploymentRef, context: RuntimeCallContext): Promise<readonly DeployedService[]>;
  /** Whether the runtime can stop, start and restart containers. */
  readonly controls: boolean;
  /**
   * Stops, starts or restarts the deployment's containers; the containers afterwards.
   * @throws InputError (`RUNTIME_UNSUPPORTED`) when the runtime cannot.
   */
  control(action: ContainerAction, environment: PlanEnvironment, deployment: DeploymentRef, context: RuntimeCallContext): Promise<readonly DeployedService[]>;
  /**
   * The deployment's log lines (see `RuntimeDefinition.logs`).
   * @throws InputError (`RUNTIME_UNSUPPORTED`) when the runtime cannot relay logs.
   */
  logs(environment: PlanEnvironment, request: DeploymentRef & LogsQuery, context: RuntimeCallContext): AsyncIterable<RuntimeLogLine>;
}

/** Which lines of a deployment's logs: one service or all, how many of the latest, and whether to follow. */
export interface LogsQuery {
  readonly service: string | null;
  readonly tail: number;
  readonly follow: boolean;
}

const runtimeType = /^[a-z][a-z0-9-]{0,39}$/;

const isObject = (value: unknown): value is EnvironmentSettings => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Runs one call of a plugin's runtime: a deliberate HostError passes as it is; anything else is
 * a defect, logged with what was thrown and answered as a PluginError naming plugin and call.
 */
async function attributed<R>(plugin: string, call: string, log: Logger, work: () => R | Promise<R>): Promise<R> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof HostError) throw err;
    log.error({ plugin, hook: call, err: errorMessage(err) }, 'plugin failed');
    const kind = err instanceof Error ? err.name : typeof err;
    throw new PluginError(plugin, call, `it threw ${kind}; the host's log has the details`, { cause: err });
  }
}

/** `call`, or `onAbort()` as soon as `signal` aborts: the host stops waiting for a runtime that does not honour it. */
async function untilAborted<R>(call: Promise<R>, signal: AbortSignal, onAbort: () => Error): Promise<R> {
  let stop: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    stop = () => reject(onAbort());
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  try {
    return await Promise.race([call, aborted]);
  } finally {
    if (stop) signal.removeEventListener('abort', stop);
  }
}

function unsupported(type: string, what: string): InputError {
  return new InputError(`The runtime of '${type}' environments cannot ${what}.`, { code: 'RUNTIME_UNSUPPORTED' });
}

/** A runtime's log lines, its failures attributed like those of its other calls. */
async function* attributedLines(plugin: string, log: Logger, open: () => AsyncIterable<RuntimeLogLine>): AsyncIterable<RuntimeLogLine> {
  const lines = await attributed(plugin, 'logs', log, () => open()[Symbol.asyncIterator]());
  try {
    for (;;) {
      const next = await attributed(plugin, 'logs', log, () => lines.next());
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    // A reader that leaves early (a client gone) ends the runtime's stream too.
    await lines.return?.();
  }
}

function served<Schema extends z.ZodType>(plugin: string, definition: RuntimeDefinition<Schema>, log: Logger): ServedRuntime {
  const { type, settings: schema } = definition;
  const typed = (settings: EnvironmentSettings): z.output<Schema> => schema.parse(settings);
  return {
    type,
    plugin,
    controls: definition.control !== undefined,
    validSettings(input) {
      const parsed = schema.safeParse(input);
      if (!parsed.success) {
        throw new InputError(`Invalid settings for a '${type}' environment: ${formatIssues(parsed.error.issues).join('; ')}.`, { code: 'ENVIRONMENT_SETTINGS' });
      }
      if (!isObject(parsed.data)) throw new PluginError(plugin, 'settings', 'its settings schema must produce an object');
      return parsed.data;
    },
    async check(name, settings, signal) {
      const check = definition.check;
      if (check === undefined) return;
      const call = attributed(plugin, 'check', log, () => check({ name, settings: typed(settings) }, { signal, log }));
      await untilAborted(call, signal, () => new PluginError(plugin, 'check', 'did not answer in time', { code: 'PLUGIN_TIMEOUT' }));
    },
    publicSettings(settings) {
      // Settings were valid when stored; should a runtime's schema since refuse them, the
      // environment is still listed, without them.
      const parsed = schema.safeParse(settings);
      return parsed.success ? definition.publicSettings(parsed.data) : {};
    },
    inspect(environment, deployment, context) {
      const call = attributed(plugin, 'inspect', log, () =>
        definition.inspect({ environment: { ...environment, settings: typed(environment.settings) }, ...deployment }, context),
      );
      return untilAborted(call, context.signal, () => new PluginError(plugin, 'inspect', 'did not answer before the host stopped waiting', { code: 'PLUGIN_TIMEOUT' }));
    },
    control(action, environment, deployment, context) {
      const { control } = definition;
      if (control === undefined) throw unsupported(type, `${action} containers`);
      const call = attributed(plugin, action, log, () =>
        control.call(definition, action, { environment: { ...environment, settings: typed(environment.settings) }, ...deployment }, context),
      );
      return untilAborted(call, context.signal, () => new PluginError(plugin, action, 'did not stop when its deadline passed', { code: 'PLUGIN_TIMEOUT' }));
    },
    logs(environment, request, context) {
      const { logs } = definition;
      if (logs === undefined) throw unsupported(type, 'relay container logs');
      return attributedLines(plugin, log, () => logs.call(definition, { environment: { ...environment, settings: typed(environment.settings) }, ...request }, context));
    },
  };
}

/** What the core asks of the runtimes: which types are served, and by whom. */
export type RuntimeLookup = Pick<RuntimeRegistry, 'types' | 'serving'>;

/**
 * The runtimes the enabled plugins registered, by the environment type each serves. The host
 * creates one; plugins register during setup, environments validate against it and
 * operations ask it what runs.
 */
export class RuntimeRegistry {
  readonly #runtimes = new Map<string, ServedRuntime>();

  /** @throws Error when the type is malformed or another plugin serves it already. */
  register<Schema extends z.ZodType>(plugin: string, definition: RuntimeDefinition<Schema>, log: Logger): void {
    if (!runtimeType.test(definition.type)) {
      throw new Error(`runtime type '${definition.type}' must be 1 to 40 lower-case letters, digits or '-', starting with a letter`);
    }
    const taken = this.#runtimes.get(definition.type);
    if (taken) throw new Error(`environment type '${definition.type}' is already served by plugin '${taken.plugin}'`);
    this.#runtimes.set(definition.type, served(plugin, definition, log));
  }

  /** The served types, in registration order. */
  types(): string[] {
    return [...this.#runtimes.keys()];
  }

  serving(type: string): ServedRuntime | null {
    return this.#runtimes.get(type) ?? null;
  }
}
