/**
 * The typed, validated form of a product manifest. Strings still hold `${VAR}` placeholders:
 * substitution happens per deployment, once variable values are known.
 */

import type { SwarmFields } from './swarm-fields.js';

/** Every variable type the format knows, in their canonical spelling. */
export const VARIABLE_TYPES = [
  'String',
  'Number',
  'Boolean',
  'Select',
  'Password',
  'Port',
  'Url',
  'Email',
  'Path',
  'MultiLine',
  'ConnectionString',
  'SqlServerConnectionString',
  'PostgresConnectionString',
  'MySqlConnectionString',
  'EventStoreConnectionString',
  'MongoConnectionString',
  'RedisConnectionString',
] as const;

/** A variable type, normalised to its canonical spelling (`port` → `Port`). */
export type VariableType = (typeof VARIABLE_TYPES)[number];

/** One choice of a `Select` variable. */
export interface VariableOption {
  readonly value: string;
  readonly label: string | null;
  readonly description: string | null;
}

/** A declared variable: its type, default, validation rules and UI hints. */
export interface VariableDefinition {
  /** The placeholder name used in `${NAME}`. */
  readonly name: string;
  readonly type: VariableType;
  /** Always a string (YAML numbers and booleans are kept as written); null when none. */
  readonly default: string | null;
  /** Effective: the manifest's `required`, else "has no default". */
  readonly required: boolean;
  /** The manifest's own `required`, or null when left out; needed to recompute after a merge. */
  readonly requiredGiven: boolean | null;
  readonly label: string | null;
  readonly description: string | null;
  /** A JavaScript regular expression, checked for `String` and `Password` values. */
  readonly pattern: string | null;
  readonly patternError: string | null;
  /** Choices of a `Select` variable (empty for other types). */
  readonly options: readonly VariableOption[];
  readonly min: number | null;
  readonly max: number | null;
  readonly group: string | null;
  readonly order: number | null;
  readonly placeholder: string | null;
}

/** Docker restart policies the format accepts. */
export type RestartPolicy = 'no' | 'always' | 'unless-stopped' | 'on-failure';

/** `init` containers run once before the services and must exit 0. */
export type ServiceLifecycle = 'service' | 'init';

/** `command` / `entrypoint` as written: a shell-like string (split later) or an argument list. */
export type CommandManifest = string | readonly string[];

/**
 * A service's health check with defaults applied. `none` switches off any check the image
 * declares; `null` on the service means "keep what the image declares".
 */
export type HealthCheckManifest = HealthCheck | { readonly type: 'none' };

/** One service as declared, with compose spellings already mapped to ours. */
export interface ServiceManifest {
  /** The key in `services:`; also the container's network alias. */
  readonly name: string;
  /**
   * As written; see `imageWithTag` for the reference a deploy pulls. Null when the manifest
   * gives none (a compose `build:`-only service): the product loads, a deploy of the stack is refused.
   */
  readonly image: string | null;
  /** Null means the deploy-time default `<stackName>_<service>`. */
  readonly containerName: string | null;
  /** `[ip:]host:container[/proto]`; checked again by `parsePortBinding` after substitution. */
  readonly ports: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  /** `source:/target[:ro|rw]`; checked again by `parseVolumeMount` after substitution. */
  readonly volumes: readonly string[];
  /** Network keys; every one is declared in the stack's `networks`. */
  readonly networks: readonly string[];
  /** Services of the same stack that start first; known to exist and free of cycles. */
  readonly dependsOn: readonly string[];
  readonly command: CommandManifest | null;
  readonly entrypoint: CommandManifest | null;
  readonly workingDir: string | null;
  readonly user: string | null;
  /** Default `unless-stopped` for services and `no` for init containers. */
  readonly restart: RestartPolicy;
  readonly labels: Readonly<Record<string, string>>;
  readonly healthCheck: HealthCheckManifest | null;
  readonly lifecycle: ServiceLifecycle;
  /** How long an init container may run; default 1800. */
  readonly initTimeoutSeconds: number;
  /** Replicas, placement, update policy, limits, endpoint mode; absent in services built by hand (defaults then). */
  readonly swarm?: SwarmFields;
}

/** A declared named volume. */
export interface VolumeDeclaration {
  /** The key; the engine name is `<stackName>_<name>` unless external. */
  readonly name: string;
  /** External resources keep their bare name (created once if missing). */
  readonly external: boolean;
  readonly driver: string | null;
  readonly driverOpts: Readonly<Record<string, string>>;
}

/** A declared network. */
export interface NetworkDeclaration extends VolumeDeclaration {
  readonly internal: boolean;
}

/** One deployable stack of a product. */
export interface StackManifest {
  /** `metadata.name` of the stack, else its key (single-stack products: the product name). */
  readonly name: string;
  readonly description: string | null;
  /** The stack's own variables; merge them over the product's `sharedVariables` to resolve. */
  readonly variables: readonly VariableDefinition[];
  /** In manifest order. */
  readonly services: readonly ServiceManifest[];
  readonly volumes: readonly VolumeDeclaration[];
  /**
   * Declared networks plus every network a service names without declaring it; product-level
   * networks a service uses appear here as external.
   */
  readonly networks: readonly NetworkDeclaration[];
  /**
   * Other stacks of the product that deploy first: those holding a service that one of this
   * stack's services names in `dependsOn` (compose style, across stacks).
   */
  readonly dependsOn: readonly string[];
}

/** One version of one product, as one source delivers it. */
export interface ProductManifest {
  /** The main file, relative to the source root. */
  readonly file: string;
  /** `metadata.productId`, else `<sourceId>:<name>`: ties versions together across sources. */
  readonly groupId: string;
  readonly name: string;
  /** Normalised SemVer (no leading `v`). */
  readonly version: string;
  readonly description: string | null;
  readonly category: string | null;
  readonly tags: readonly string[];
  readonly author: string | null;
  readonly documentation: string | null;
  readonly icon: string | null;
  readonly releaseNotesUrl: string | null;
  /** Visible to every stack; a stack variable of the same name replaces the definition. */
  readonly sharedVariables: readonly VariableDefinition[];
  /** In declaration order; a product deploy puts a stack after the stacks it `dependsOn`. */
  readonly stacks: readonly StackManifest[];
}

/** Default `initTimeoutSeconds` of init containers. */
export const DEFAULT_INIT_TIMEOUT_SECONDS = 1800;

/** A service's health check, as a runtime carries it out. */
export type HealthCheck =
  | {
      readonly type: 'docker';
      /** Docker's form: `['CMD', ...]` or `['CMD-SHELL', '...']`. */
      readonly test: readonly string[];
      readonly intervalMs: number;
      readonly timeoutMs: number;
      readonly retries: number;
      readonly startPeriodMs: number;
    }
  | {
      readonly type: 'http' | 'tcp';
      readonly port: number;
      /** Request path for `http`. */
      readonly path: string;
      readonly intervalMs: number;
      readonly timeoutMs: number;
      readonly retries: number;
      readonly startPeriodMs: number;
    };
