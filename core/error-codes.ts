/**
 * Every `code` the host and its built-in plugins answer with, as data: the HTTP statuses it
 * comes with and what it means. `ErrorCode` is the union of its keys, the error classes take
 * only these (plugins may add their own, see `PluginErrorCode` in `plugin-api.ts`), and
 * docs/errors.md, the user's reference, is held to this table by a test.
 */

/** One code: the statuses it is answered with (most codes have one) and what it means. */
export interface ErrorCodeEntry {
  readonly statuses: readonly number[];
  readonly meaning: string;
}

export const errorCodes = {
  // Requests the host cannot read or route.
  INVALID_INPUT: { statuses: [400], meaning: 'The request or one of its fields is not acceptable; the message says which and why.' },
  INVALID_JSON: { statuses: [400], meaning: 'The request body is not valid JSON.' },
  MALFORMED_REQUEST: { statuses: [400], meaning: 'The request is not valid HTTP.' },
  REQUEST_TIMEOUT: { statuses: [408], meaning: 'The client did not send the request headers in time.' },
  PAYLOAD_TOO_LARGE: { statuses: [413], meaning: 'The request body is larger than the 1 MiB limit.' },
  HEADERS_TOO_LARGE: { statuses: [431], meaning: 'The request headers are larger than the host accepts.' },
  NOT_FOUND: { statuses: [404], meaning: 'No route, or nothing, at this address.' },
  METHOD_NOT_ALLOWED: { statuses: [405], meaning: 'The path does not take this method; the Allow header lists those it takes.' },

  // Who is calling.
  AUTH_REQUIRED: { statuses: [401], meaning: 'A management call came without a session token.' },
  AUTH_INVALID: { statuses: [401], meaning: 'The API key or session token is missing, unknown, revoked or expired.' },
  PASSWORD_NOT_HERE: { statuses: [400], meaning: 'The caller did not sign in with a password of this host, so it cannot change one here.' },
  LOGIN_FAILED: { statuses: [401], meaning: 'Sign-in refused: wrong user name or password (never says which).' },
  FORBIDDEN: { statuses: [403], meaning: 'The caller is known but lacks the permission, or a plugin vetoed the operation.' },
  METRICS_TOKEN: { statuses: [401], meaning: '`GET /metrics` needs `Authorization: Bearer <metrics.token>`; the header was missing or held another token.' },
  RATE_LIMITED: { statuses: [429], meaning: 'Too many failed attempts from this client; retry after the Retry-After seconds.' },

  // API keys.
  API_KEY_NOT_FOUND: { statuses: [404], meaning: 'No API key with this id.' },
  API_KEY_ALREADY_REVOKED: { statuses: [400], meaning: 'The API key is already revoked.' },
  DUPLICATE_NAME: { statuses: [400], meaning: 'An active API key already has this name.' },
  UNKNOWN_PERMISSION: { statuses: [400], meaning: 'A permission named for an API key does not exist.' },

  // Environments.
  ENVIRONMENT_NOT_FOUND: { statuses: [400, 404], meaning: 'No environment with this id (404 when addressed in the path, 400 when named in the body).' },
  ENVIRONMENT_TYPE: { statuses: [400], meaning: 'No enabled runtime plugin serves the environment type asked for; the message lists those that do.' },
  ENVIRONMENT_SETTINGS: { statuses: [400], meaning: "The environment's settings do not pass its runtime's checks; the message names the field." },
  SWARM_NOT_MANAGER: { statuses: [400], meaning: "A swarm environment's engine is not a Swarm manager (not in a Swarm, or a worker); the message says which." },
  ENVIRONMENT_DEFAULT: { statuses: [409], meaning: 'The default environment cannot be deleted.' },
  ENVIRONMENT_IN_USE: { statuses: [409], meaning: 'The environment still holds deployments or API keys scoped to it; the message says how many.' },
  ENVIRONMENT_REQUIRED: { statuses: [400], meaning: 'A hook call named no environment and the API key is not restricted to one.' },
  INVALID_ENVIRONMENT_ID: { statuses: [400], meaning: 'The environment id is not a GUID.' },
  ENVIRONMENT_SCOPE: { statuses: [403], meaning: 'The API key is restricted to another environment.' },

  // Catalog.
  PRODUCT_NOT_FOUND: { statuses: [400], meaning: 'The catalog has no product with this id.' },
  VERSION_NOT_FOUND: { statuses: [400], meaning: 'The catalog has no such version of the product; the message lists those it has.' },
  STACK_REQUIRED: { statuses: [400], meaning: 'The product has several stacks and the request named none.' },
  STACK_NOT_FOUND: { statuses: [400], meaning: 'The product or product deployment has no stack of this name.' },
  SYNC_FAILED: { statuses: [500], meaning: 'A catalog sync ran, but at least one source failed; the body lists each failure.' },

  // Deployments.
  INVALID_STACK_NAME: { statuses: [400], meaning: 'The stack name breaks the naming rule (1 to 80 letters, digits, _, . or -).' },
  DEPLOYMENT_NOT_FOUND: { statuses: [400, 404], meaning: 'No deployment with this id (404), or none of this stack in the environment (400).' },
  PRODUCT_DEPLOYMENT_NOT_FOUND: { statuses: [400, 404], meaning: 'No product deployment with this id (404), or none of this product in the environment (400).' },
  STACK_EXISTS: { statuses: [409], meaning: 'A stack of this name is already deployed in the environment.' },
  PRODUCT_EXISTS: { statuses: [409], meaning: 'The product is already deployed in the environment.' },
  CONFLICT: { statuses: [409], meaning: 'The request clashes with the current state.' },
  OPERATION_NOT_FOUND: { statuses: [404], meaning: 'No operation with this id that the caller may see.' },
  IDEMPOTENCY_KEY_REUSED: { statuses: [422], meaning: 'The Idempotency-Key was used within 24 hours with another request.' },
  STACK_BUSY: { statuses: [409], meaning: 'Another operation on the same stack or product is still running.' },
  ALREADY_REMOVED: { statuses: [409], meaning: 'The deployment is already removed.' },
  NOT_RUNNING: { statuses: [400], meaning: 'Only a running deployment can be redeployed or upgraded.' },
  SAME_VERSION: { statuses: [400], meaning: 'The upgrade targets the version already running.' },
  DOWNGRADE: { statuses: [400], meaning: 'The upgrade targets an older version; downgrades are not supported.' },
  DEPLOY_FAILED: { statuses: [400], meaning: 'A deploy, redeploy or upgrade could not be carried out; the message is the reason.' },
  NO_RUNTIME: { statuses: [400], meaning: 'No enabled runtime plugin serves the environment type.' },
  VARIABLE_UNKNOWN: { statuses: [400], meaning: 'The request sets variables the stack neither declares nor uses; nothing was changed.' },
  VARIABLE_INVALID: { statuses: [400], meaning: 'A variable value holds a control character other than tab, LF or CR.' },
  ACTION_NOT_ALLOWED: { statuses: [400], meaning: "The deployment's status does not allow this stop, start or restart; the message gives its status." },
  SERVICE_NOT_FOUND: { statuses: [400], meaning: 'The deployment has no service of this name; the message lists those it has.' },
  RUNTIME_UNSUPPORTED: { statuses: [400], meaning: "The environment's runtime plugin cannot stop, start or restart containers, or relay their logs." },

  // The Docker runtime (built-in plugin).
  PORT_IN_USE: { statuses: [400], meaning: 'A service could not start: its host port is already in use.' },
  CONTAINER_NAME_CONFLICT: { statuses: [400], meaning: 'A container name the stack needs is taken by a container that is not the stack\'s.' },
  BIND_NOT_ALLOWED: { statuses: [400], meaning: 'A bind mount is outside the host folders the runtime allows.' },
  VOLUME_NAME_CONFLICT: { statuses: [400], meaning: 'A volume the stack needs belongs to another stack.' },
  SERVICE_WITHOUT_IMAGE: { statuses: [400], meaning: 'A service of the stack has no image (only `build:`); the deploy is refused before anything changes.' },
  INVALID_PLAN: { statuses: [400], meaning: 'The Docker engine would refuse the plan (a name, port or text it does not accept); nothing was changed.' },
  DOCKER_ENGINE_FAILED: { statuses: [400, 502], meaning: 'The Docker engine refused or failed a request (400 inside a deployment\'s answer).' },
  DOCKER_UNREACHABLE: { statuses: [503], meaning: 'The environment\'s Docker engine does not answer.' },

  // The Git source (built-in plugin).
  GIT_FAILED: { statuses: [502], meaning: 'A git command against the remote failed; a sync reports it as that source\'s error.' },

  // Outbound events.
  NO_EVENT_TARGETS: { statuses: [409], meaning: 'A test event was asked for, but no enabled plugin has a target to send it to.' },

  // The host and its plugins.
  UPSTREAM_FAILED: { statuses: [400, 502], meaning: 'A system the host depends on failed (400 inside a deployment\'s answer).' },
  UNAVAILABLE: { statuses: [503], meaning: 'The host cannot serve this now (engine unreachable, shutting down); retry later.' },
  DATABASE_UNAVAILABLE: { statuses: [503], meaning: 'The database does not answer; retry after the Retry-After seconds.' },
  PLUGIN_FAILED: { statuses: [400, 500], meaning: 'A plugin threw something unexpected (400 inside a deployment\'s answer); the host\'s log has the details.' },
  CONFIG_INVALID: { statuses: [400], meaning: 'A reload found the config file invalid, or one of its plugins failed to set up; nothing was changed.' },
  PLUGIN_TIMEOUT: { statuses: [400, 500], meaning: 'A plugin did not answer within its hook\'s deadline (400 inside a deployment\'s answer).' },
  INTERNAL: { statuses: [500], meaning: 'An unexpected error; the host\'s log has the details under the request id.' },
} as const satisfies Readonly<Record<string, ErrorCodeEntry>>;

/** A code of the host or a built-in plugin: a typo is a type error. */
export type ErrorCode = keyof typeof errorCodes;
