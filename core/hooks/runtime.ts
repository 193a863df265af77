import type { z } from 'zod';
import type { Logger } from '../logger.js';
import type { DeployedService } from './deploy-plan.js';

/** An environment as its runtime sees it: `settings` are what the runtime's schema produced. */
export interface RuntimeEnvironment<Settings> {
  readonly id: string;
  readonly name: string;
  /** The runtime type that serves it (`docker`). */
  readonly type: string;
  readonly settings: Settings;
}

/** The deployment an `inspect` call asks about; its containers carry the host's labels. */
export interface InspectTarget<Settings> {
  readonly environment: RuntimeEnvironment<Settings>;
  readonly deploymentId: string;
  /** Prefix of the deployment's container, network and volume names. */
  readonly stackName: string;
}

/** Passed to every call of a runtime outside the deploy hooks. */
export interface RuntimeCallContext {
  /** Aborted when the host stops waiting; the runtime must honour it. */
  readonly signal: AbortSignal;
  readonly log: Logger;
}

/** What an operator may do to a deployment's containers without a redeploy. Since plugin API 1.5. */
export type ContainerAction = 'stop' | 'start' | 'restart';

/** Which log lines a `logs` call asks for. Since plugin API 1.5. */
export interface LogsRequest<Settings> extends InspectTarget<Settings> {
  /** One service's containers; `null` for every service of the deployment. */
  readonly service: string | null;
  /** How many of the latest lines (of all the containers asked together). */
  readonly tail: number;
  /** Keep relaying new lines until `signal` aborts. */
  readonly follow: boolean;
}

/** One line a container wrote, as the engine kept it. Since plugin API 1.5. */
export interface RuntimeLogLine {
  readonly service: string;
  readonly stream: 'stdout' | 'stderr';
  /** When the engine received it (ISO-8601 UTC). */
  readonly at: string;
  /** The text without its line end. The host redacts it before anyone sees it. */
  readonly line: string;
}

/** A value of an environment's settings that the API may show. */
export type PublicSetting = string | number | boolean | null;

/**
 * What a runtime plugin registers with `ctx.runtime(...)`: the environment type it serves,
 * the settings such an environment has, which of them the API shows, and how to tell what runs
 * for a deployment. Plans for its environments still reach it through the `deploy` hook.
 */
export interface RuntimeDefinition<Schema extends z.ZodType = z.ZodType> {
  /** The environment type served, lower-case kebab (`docker`); one runtime per type. */
  readonly type: string;
  /**
   * Schema of an environment's settings. `POST /api/environments` passes it every body field
   * but `name` and `type`; what it outputs is stored and handed back in plans and `inspect`.
   * It must accept its own output. Its issues answer 400, naming the field.
   */
  readonly settings: Schema;
  /**
   * The settings `GET /api/environments` shows beside id, name and type. Never secrets: key
   * material, passwords and tokens stay out.
   */
  publicSettings(settings: z.output<Schema>): Readonly<Record<string, PublicSetting>>;
  /**
   * Optional: whether an environment with these settings can be served at all, asked before
   * `POST /api/environments` creates it (an engine that must be a Swarm manager). Throws an
   * `InputError` saying why not. Changes nothing. Since plugin API 1.5.
   */
  check?(environment: { readonly name: string; readonly settings: z.output<Schema> }, context: RuntimeCallContext): Promise<void>;
  /** The deployment's containers as they are now. Changes nothing. */
  inspect(target: InspectTarget<z.output<Schema>>, context: RuntimeCallContext): Promise<readonly DeployedService[]>;
  /**
   * Stops, starts or restarts the deployment's service containers as they are (no new
   * containers; init containers stay as they are) and reports them afterwards: `start` and
   * `restart` resolve once they run (and are healthy, where they have a check), `stop` once they
   * stopped. Optional: without it the host answers that the environment's runtime cannot do it.
   * Since plugin API 1.5.
   */
  control?(action: ContainerAction, target: InspectTarget<z.output<Schema>>, context: RuntimeCallContext): Promise<readonly DeployedService[]>;
  /**
   * The containers' latest log lines, oldest first, then (with `follow`) new lines as they come
   * until `context.signal` aborts. Optional. Since plugin API 1.5.
   */
  logs?(request: LogsRequest<z.output<Schema>>, context: RuntimeCallContext): AsyncIterable<RuntimeLogLine>;
}
